package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From an empty database, start creates the schema (utf8mb4, indexes); a second start changes nothing. */
class SchemaMigrationTest {

    @Test
    void migratesFromEmptyAndOnlyOnce() throws Exception {
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SET FOREIGN_KEY_CHECKS = 0");
            for (String table : tables(statement)) {
                statement.execute("DROP TABLE `" + table + "`");
            }
            statement.execute("SET FOREIGN_KEY_CHECKS = 1");
            assertThat(tables(statement)).isEmpty();

            try (Site first = Site.start(TestDatabase.siteConfig())) {
                assertThat(tables(statement)).containsExactlyInAnyOrder(
                        "flyway_schema_history", "users", "posts", "sessions", "login_attempts", "signup_attempts");
                try (ResultSet rows = statement.executeQuery("SELECT version, success FROM flyway_schema_history"
                        + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
                    for (String version : new String[] {"1", "2"}) {
                        assertThat(rows.next()).isTrue();
                        assertThat(rows.getString(1)).isEqualTo(version);
                        assertThat(rows.getBoolean(2)).isTrue();
                    }
                    assertThat(rows.next()).isFalse();
                }
                try (ResultSet rows = statement.executeQuery("SELECT TABLE_NAME, TABLE_COLLATION"
                        + " FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                        + " AND TABLE_NAME IN ('users', 'posts', 'login_attempts', 'signup_attempts')")) {
                    int count = 0;
                    while (rows.next()) {
                        assertThat(rows.getString(2)).as(rows.getString(1)).startsWith("utf8mb4");
                        count++;
                    }
                    assertThat(count).isEqualTo(4);
                }
                try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM information_schema.STATISTICS"
                        + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'posts' AND COLUMN_NAME = 'created_at'"
                        + " AND SEQ_IN_INDEX = 1")) {
                    rows.next();
                    assertThat(rows.getInt(1)).as("an index starting with posts.created_at").isPositive();
                }

                Browser browser = new Browser(first.port()).signUp(Names.user("fresh"), "correct horse battery");
                long id = browser.write("4-byte: 😀𝄞", "stored whole: 😀𝄞");
                assertThat(browser.get("/api/posts/" + id).body()).contains("4-byte: 😀𝄞", "stored whole: 😀𝄞");
            }
            try (Site second = Site.start(TestDatabase.siteConfig());
                    ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM flyway_schema_history")) {
                rows.next();
                assertThat(rows.getInt(1)).as("nothing applied twice").isEqualTo(2);
                assertThat(new Browser(second.port()).get("/").statusCode()).isEqualTo(200);
            }
        }
    }

    private static List<String> tables(Statement statement) throws Exception {
        List<String> names = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("SHOW TABLES")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
