package dev.webstack.site.accounts;

import dev.webstack.site.data.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.Optional;

/** The users table. */
public final class Users {

    private static final int DUPLICATE_KEY = 1062;

    private final Database database;

    public Users(Database database) {
        this.database = database;
    }

    /**
     * Creates the user on the caller's connection (so that it commits with the caller's transaction), or returns
     * empty when the name is taken (the unique key decides, so no race).
     */
    Optional<Account> create(Connection connection, String username, String passwordHash) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, UTC_TIMESTAMP(3))",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, username);
            insert.setString(2, passwordHash);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return Optional.of(new Account(keys.getLong(1), username, passwordHash));
            }
        } catch (SQLException e) {
            if (isDuplicateKey(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Optional<Account> find(String username) {
        return database.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, username, password_hash FROM users WHERE username = ?")) {
                select.setString(1, username);
                try (ResultSet row = select.executeQuery()) {
                    return row.next()
                            ? Optional.of(new Account(row.getLong(1), row.getString(2), row.getString(3)))
                            : Optional.empty();
                }
            }
        });
    }

    private static boolean isDuplicateKey(SQLException e) {
        return e instanceof SQLIntegrityConstraintViolationException || e.getErrorCode() == DUPLICATE_KEY;
    }
}
