package dev.webstack.site.accounts;

import dev.webstack.site.data.Database;
import java.sql.PreparedStatement;

/**
 * Limits new accounts to {@value #MAX_PER_ADDRESS} an hour per client address, against account farming and the
 * bcrypt work each sign-up costs. Attempts are rows in signup_attempts (a table of their own: log-in counts use
 * another window and are cleared on success, sign-ups must not be), so every instance sees the same count. Only
 * forms that pass validation count: they are the ones that hash a password and may create an account; a refused
 * one keeps its row, like a refused log-in.
 */
final class SignUpThrottle {

    static final int MAX_PER_ADDRESS = 10;
    static final int WINDOW_MINUTES = 60;

    private static final AttemptWindow BY_ADDRESS =
            new AttemptWindow("signup_attempts", "address", MAX_PER_ADDRESS, WINDOW_MINUTES);

    private final Database database;

    SignUpThrottle(Database database) {
        this.database = database;
    }

    /** Records a sign-up from this address; returns the seconds to wait when it is one too many, else 0. */
    long recordAttempt(String address) {
        return database.query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO signup_attempts (address, attempted_at) VALUES (?, UTC_TIMESTAMP(3))")) {
                insert.setString(1, address);
                insert.executeUpdate();
            }
            return BY_ADDRESS.retryAfterSeconds(connection, address);
        });
    }

    /** Forgets attempts that no longer count. */
    int deleteOld() {
        return database.query(BY_ADDRESS::deleteOld);
    }
}
