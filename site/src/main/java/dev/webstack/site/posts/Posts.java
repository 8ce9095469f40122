package dev.webstack.site.posts;

import dev.webstack.site.data.Database;
import dev.webstack.site.web.PageRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The posts table: listings newest first, one post, and the author's writes. */
public final class Posts {

    private static final String COLUMNS = "p.id, p.user_id, u.username, p.title, p.body, p.created_at, p.updated_at";
    /** Listings on pages show an excerpt: the first characters of the body are enough (Post.excerpt). */
    private static final String EXCERPT_COLUMNS = "p.id, p.user_id, u.username, p.title, LEFT(p.body, "
            + (Post.EXCERPT_CHARACTERS + 1) + "), p.created_at, p.updated_at";

    private final Database database;

    public Posts(Database database) {
        this.database = database;
    }

    /** Newest first; with {@code excerpts}, each body is cut to what a listing page shows. */
    public PostList recent(PageRequest request, boolean excerpts) {
        return database.query(connection -> {
            long total = count(connection, "SELECT COUNT(*) FROM posts", null);
            List<Post> items = list(connection, "SELECT " + (excerpts ? EXCERPT_COLUMNS : COLUMNS)
                    + " FROM posts p JOIN users u ON u.id = p.user_id"
                    + " ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?", null, request);
            return new PostList(items, request, total);
        });
    }

    /** One author's posts, newest first, bodies cut to excerpts (only pages list them). */
    public PostList byAuthor(long userId, PageRequest request) {
        return database.query(connection -> {
            long total = count(connection, "SELECT COUNT(*) FROM posts WHERE user_id = ?", userId);
            List<Post> items = list(connection, "SELECT " + EXCERPT_COLUMNS
                    + " FROM posts p JOIN users u ON u.id = p.user_id"
                    + " WHERE p.user_id = ? ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?", userId, request);
            return new PostList(items, request, total);
        });
    }

    public Optional<Post> find(long id) {
        return database.query(connection -> find(connection, id));
    }

    private static Optional<Post> find(Connection connection, long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(post(row)) : Optional.empty();
            }
        }
    }

    /** Looks up an author by username: the id, or empty when there is no such user. */
    public Optional<Long> authorId(String username) {
        return database.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM users WHERE username = ?")) {
                select.setString(1, username);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Inserts the post and reads it back in one transaction, so a caller never learns of a failure after the
     * commit (a client that retries on an error must not make a second copy).
     */
    public Post create(long userId, PostInput input) {
        return database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO posts (user_id, title, body, created_at, updated_at)"
                            + " VALUES (?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
                    Statement.RETURN_GENERATED_KEYS)) {
                insert.setLong(1, userId);
                insert.setString(2, input.title());
                insert.setString(3, input.body());
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    long id = keys.getLong(1);
                    return find(connection, id).orElseThrow(() -> new SQLException("post " + id + " not found"
                            + " right after its insert"));
                }
            }
        });
    }

    /** Updates the post if it still belongs to userId, and reads it back in the same transaction. */
    public Optional<Post> update(long id, long userId, PostInput input) {
        return database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE posts SET title = ?, body = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ? AND user_id = ?")) {
                update.setString(1, input.title());
                update.setString(2, input.body());
                update.setLong(3, id);
                update.setLong(4, userId);
                return update.executeUpdate() == 1 ? find(connection, id) : Optional.<Post>empty();
            }
        });
    }

    /** Deletes the post if it belongs to userId; returns whether it did. */
    public boolean delete(long id, long userId) {
        return database.query(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM posts WHERE id = ? AND user_id = ?")) {
                delete.setLong(1, id);
                delete.setLong(2, userId);
                return delete.executeUpdate() == 1;
            }
        });
    }

    private static long count(Connection connection, String sql, Long userId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (userId != null) {
                select.setLong(1, userId);
            }
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static List<Post> list(Connection connection, String sql, Long userId, PageRequest request)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            int index = 1;
            if (userId != null) {
                select.setLong(index++, userId);
            }
            select.setInt(index++, request.perPage());
            select.setLong(index, request.offset());
            List<Post> posts = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    posts.add(post(rows));
                }
            }
            return posts;
        }
    }

    private static Post post(ResultSet row) throws SQLException {
        return new Post(row.getLong(1), row.getLong(2), row.getString(3), row.getString(4), row.getString(5),
                row.getObject(6, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                row.getObject(7, LocalDateTime.class).toInstant(ZoneOffset.UTC));
    }
}
