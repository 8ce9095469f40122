package dev.webstack.site.sessions;

import dev.webstack.site.data.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Sessions kept in the database, so that any instance of the site serves any visitor.
 *
 * <p>Lifetimes: a visitor session (created when an anonymous visitor fetches a form, to hold its CSRF token)
 * lasts {@link #VISITOR_SECONDS}; a logged-in session lasts {@link #IDLE_SECONDS} since it was last used,
 * never more than {@link #ABSOLUTE_SECONDS} since log-in. Use extends the expiry at most once per
 * {@link #REFRESH_AFTER_SECONDS}, so reading pages does not mean a write per request. All times come from
 * the database clock, the one clock every instance shares.
 */
public final class SessionStore {

    public static final long VISITOR_SECONDS = 2 * 3600;
    public static final long IDLE_SECONDS = 14 * 24 * 3600;
    public static final long ABSOLUTE_SECONDS = 30 * 24 * 3600;
    static final long REFRESH_AFTER_SECONDS = 3600;

    private final Database database;

    public SessionStore(Database database) {
        this.database = database;
    }

    /** A new session and the token for its cookie (the only place the raw token exists). */
    public record Created(String token, Session session) {
    }

    public Created create(Long userId, String username) {
        return database.query(connection -> create(connection, userId, username));
    }

    /** As {@link #create(Long, String)}, on the caller's connection: the row commits or rolls back with its work. */
    public Created create(Connection connection, Long userId, String username) throws SQLException {
        String token = Tokens.random();
        String id = Tokens.hash(token);
        String csrf = Tokens.random();
        long lifetime = userId == null ? VISITOR_SECONDS : IDLE_SECONDS;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen, expires_at)"
                        + " VALUES (?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3),"
                        + " UTC_TIMESTAMP(3) + INTERVAL ? SECOND)")) {
            insert.setString(1, id);
            insert.setObject(2, userId);
            insert.setString(3, csrf);
            insert.setLong(4, lifetime);
            insert.executeUpdate();
        }
        return new Created(token, new Session(id, userId, username, csrf, lifetime));
    }

    /** The live session for a cookie token; malformed, unknown and expired tokens find nothing. */
    public Optional<Session> find(String token) {
        if (!Tokens.isWellFormed(token)) {
            return Optional.empty();
        }
        String id = Tokens.hash(token);
        boolean[] stale = new boolean[1];
        Optional<Session> found = database.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT s.user_id, u.username, s.csrf_token,"
                            + " TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), s.expires_at),"
                            + " TIMESTAMPDIFF(SECOND, s.last_seen, UTC_TIMESTAMP(3))"
                            + " FROM sessions s LEFT JOIN users u ON u.id = s.user_id"
                            + " WHERE s.id = ? AND s.expires_at > UTC_TIMESTAMP(3)")) {
                select.setString(1, id);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    Long userId = row.getObject(1, Long.class);
                    stale[0] = row.getLong(5) >= REFRESH_AFTER_SECONDS;
                    return Optional.of(new Session(id, userId, row.getString(2), row.getString(3), row.getLong(4)));
                }
            }
        });
        // At most one write an hour per session: by when it was last extended, not by how long it has left (which
        // the 30-day cap keeps short near the end, and would otherwise mean a write on every request).
        found.filter(s -> s.isLoggedIn() && stale[0]).ifPresent(this::extend);
        return found;
    }

    public void delete(String sessionId) {
        database.query(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sessions WHERE id = ?")) {
                delete.setString(1, sessionId);
                return delete.executeUpdate();
            }
        });
    }

    /** Removes expired sessions, in bounded batches; returns how many went. */
    public int deleteExpired() {
        return database.query(connection -> Database.deleteInBatches(connection,
                "DELETE FROM sessions WHERE expires_at <= UTC_TIMESTAMP(3)"));
    }

    private void extend(Session session) {
        database.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE sessions SET last_seen = UTC_TIMESTAMP(3),"
                            + " expires_at = LEAST(created_at + INTERVAL ? SECOND, UTC_TIMESTAMP(3) + INTERVAL ? SECOND)"
                            + " WHERE id = ?")) {
                update.setLong(1, ABSOLUTE_SECONDS);
                update.setLong(2, IDLE_SECONDS);
                update.setString(3, session.id());
                return update.executeUpdate();
            }
        });
    }
}
