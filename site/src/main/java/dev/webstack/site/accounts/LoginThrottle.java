package dev.webstack.site.accounts;

import dev.webstack.site.data.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Slows password guessing. Failed log-ins are rows in login_attempts, so every instance sees the same counts.
 * A username with {@value #MAX_PER_USERNAME} failures in the last {@value #WINDOW_MINUTES} minutes, or a client
 * address with {@value #MAX_PER_ADDRESS} (higher: many people can share one address), is refused until the
 * oldest of those failures leaves the window. The check comes before the password is looked at, so a refused
 * guess teaches nothing; a successful log-in clears the username's failures.
 */
final class LoginThrottle {

    static final int MAX_PER_USERNAME = 5;
    static final int MAX_PER_ADDRESS = 20;
    static final int WINDOW_MINUTES = 15;

    private final Database database;

    LoginThrottle(Database database) {
        this.database = database;
    }

    /** Seconds until this username and address may try again; 0 when they may now. */
    long retryAfterSeconds(String username, String address) {
        return Math.max(
                retryAfter("username", username, MAX_PER_USERNAME),
                retryAfter("address", address, MAX_PER_ADDRESS));
    }

    void recordFailure(String username, String address) {
        database.query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO login_attempts (username, address, attempted_at) VALUES (?, ?, UTC_TIMESTAMP(3))")) {
                insert.setString(1, username);
                insert.setString(2, address);
                return insert.executeUpdate();
            }
        });
    }

    void clear(String username) {
        database.query(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM login_attempts WHERE username = ?")) {
                delete.setString(1, username);
                return delete.executeUpdate();
            }
        });
    }

    /** Forgets failures older than the window, in bounded batches. */
    int deleteOld() {
        return database.query(connection -> {
            int total = 0;
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM login_attempts WHERE attempted_at < UTC_TIMESTAMP(3) - INTERVAL "
                            + WINDOW_MINUTES + " MINUTE LIMIT 1000")) {
                for (int round = 0; round < 100; round++) {
                    int removed = delete.executeUpdate();
                    total += removed;
                    if (removed < 1000) {
                        break;
                    }
                }
            }
            return total;
        });
    }

    /**
     * The limit-th most recent failure inside the window decides: while it is inside, the count is at the limit;
     * the wait is until it leaves. The column name is one of two constants, never input.
     */
    private long retryAfter(String column, String value, int limit) {
        return database.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), attempted_at + INTERVAL " + WINDOW_MINUTES
                            + " MINUTE) + 1 FROM login_attempts WHERE " + column + " = ?"
                            + " AND attempted_at > UTC_TIMESTAMP(3) - INTERVAL " + WINDOW_MINUTES + " MINUTE"
                            + " ORDER BY attempted_at DESC LIMIT 1 OFFSET " + (limit - 1))) {
                select.setString(1, value);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Math.max(1, row.getLong(1)) : 0L;
                }
            }
        });
    }
}
