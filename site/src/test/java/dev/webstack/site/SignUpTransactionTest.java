package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The account and its first session are made in one transaction: when the session cannot be stored, no account
 * is left behind, and trying again works instead of answering "That username is taken".
 */
class SignUpTransactionTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final String PASSWORD = "correct horse battery";

    @Test
    void aFailedSessionLeavesNoAccount() throws Exception {
        String username = Names.user("doomed");
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            // fails the session insert for this one user, after the user row is in
            statement.execute("CREATE TRIGGER sessions_fail_once BEFORE INSERT ON sessions FOR EACH ROW"
                    + " IF (SELECT username FROM users WHERE id = NEW.user_id) = '" + username + "' THEN"
                    + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'; END IF");
            try {
                HttpResponse<String> failed = SITE.browser().submit("/signup", "/signup",
                        Map.of("username", username, "password", PASSWORD));
                // 500 or 503: how the driver classifies a trigger's SIGNAL is not this test's concern
                assertThat(failed.statusCode()).isIn(500, 503);
            } finally {
                statement.execute("DROP TRIGGER sessions_fail_once");
            }
        }
        assertThat(users(username)).as("the account went with the failed session").isZero();

        Browser retry = SITE.browser().signUp(username, PASSWORD);
        assertThat(retry.get("/api/session").body()).contains("\"username\":\"" + username + "\"");
    }

    private static int users(String username) throws Exception {
        try (Connection connection = TestDatabase.connect();
                PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM users WHERE username = ?")) {
            select.setString(1, username);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
