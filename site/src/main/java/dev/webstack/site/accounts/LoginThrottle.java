package dev.webstack.site.accounts;

import dev.webstack.site.data.Database;
import java.sql.PreparedStatement;

/**
 * Slows password guessing. Log-in attempts are rows in login_attempts, so every instance sees the same counts.
 * A username with more than {@value #MAX_PER_USERNAME} attempts in the last {@value #WINDOW_MINUTES} minutes, or
 * a client address with more than {@value #MAX_PER_ADDRESS} (higher: many people can share one address), is
 * refused until the oldest of those that count leaves the window.
 *
 * <p>The attempt is recorded first and counted after, before the password is looked at: guesses sent in parallel
 * all see each other's rows, so of any number sent at once at most {@value #MAX_PER_USERNAME} are tried (counting
 * first and recording a failure after bcrypt let every one of them through). A refused attempt keeps its row; a
 * successful log-in deletes the username's rows, its own included.
 */
final class LoginThrottle {

    static final int MAX_PER_USERNAME = 5;
    static final int MAX_PER_ADDRESS = 20;
    static final int WINDOW_MINUTES = 15;

    private static final AttemptWindow BY_USERNAME =
            new AttemptWindow("login_attempts", "username", MAX_PER_USERNAME, WINDOW_MINUTES);
    private static final AttemptWindow BY_ADDRESS =
            new AttemptWindow("login_attempts", "address", MAX_PER_ADDRESS, WINDOW_MINUTES);

    private final Database database;

    LoginThrottle(Database database) {
        this.database = database;
    }

    /**
     * Records an attempt for this username from this address; returns the seconds to wait when it is one too many
     * for either, else 0 (go on and check the password).
     */
    long recordAttempt(String username, String address) {
        return database.query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO login_attempts (username, address, attempted_at) VALUES (?, ?, UTC_TIMESTAMP(3))")) {
                insert.setString(1, username);
                insert.setString(2, address);
                insert.executeUpdate();
            }
            return Math.max(BY_USERNAME.retryAfterSeconds(connection, username),
                    BY_ADDRESS.retryAfterSeconds(connection, address));
        });
    }

    /** After the right password: forgets the username's attempts, this one included. */
    void clear(String username) {
        database.query(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM login_attempts WHERE username = ?")) {
                delete.setString(1, username);
                return delete.executeUpdate();
            }
        });
    }

    /** Forgets attempts that no longer count. */
    int deleteOld() {
        return database.query(BY_USERNAME::deleteOld);
    }
}
