package dev.webstack.site.accounts;

import dev.webstack.site.data.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A sliding-window limit over a table of attempts (one row per attempt, with {@code attempted_at} and a key
 * column): at most {@code limit} rows per key value in the last {@code minutes}. The throttles insert their row
 * first and ask after, on the database clock that every instance shares. Table and column names are constants of
 * the throttles, never input.
 *
 * @param table the attempts table
 * @param column the key column counted (username, address)
 * @param limit attempts allowed in the window, the one just recorded included
 * @param minutes the window's length
 */
record AttemptWindow(String table, String column, int limit, int minutes) {

    /**
     * Seconds until one more attempt for value would be within the limit, when the attempts in the window are now
     * over it; else 0. The wait ends when the limit-th most recent attempt leaves the window.
     */
    long retryAfterSeconds(Connection connection, String value) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM " + table
                + " WHERE " + column + " = ? AND attempted_at > UTC_TIMESTAMP(3) - INTERVAL " + minutes + " MINUTE")) {
            count.setString(1, value);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                if (row.getLong(1) <= limit) {
                    return 0;
                }
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), attempted_at + INTERVAL " + minutes + " MINUTE) + 1"
                        + " FROM " + table + " WHERE " + column + " = ?"
                        + " AND attempted_at > UTC_TIMESTAMP(3) - INTERVAL " + minutes + " MINUTE"
                        + " ORDER BY attempted_at DESC, id DESC LIMIT 1 OFFSET " + (limit - 1))) {
            select.setString(1, value);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Math.max(1, row.getLong(1)) : 1;
            }
        }
    }

    /** Forgets attempts older than the window, in bounded batches; returns how many went. */
    int deleteOld(Connection connection) throws SQLException {
        return Database.deleteInBatches(connection, "DELETE FROM " + table
                + " WHERE attempted_at < UTC_TIMESTAMP(3) - INTERVAL " + minutes + " MINUTE");
    }
}
