package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ten accounts an hour from one client address, counted in the database so that every instance sees the same
 * count; the eleventh sign-up is refused with 429 and Retry-After, and no account is made.
 */
class SignUpThrottleTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    @RegisterExtension
    static final RunningSite OTHER_INSTANCE = new RunningSite();

    private static final String PASSWORD = "correct horse battery";

    @Test
    void tenSignUpsAnHourFromOneAddress() throws Exception {
        String address = Names.address();
        for (int i = 0; i < 10; i++) {
            // half on each instance: the count is shared
            RunningSite site = i % 2 == 0 ? SITE : OTHER_INSTANCE;
            site.browser().from(address).signUp(Names.user("farm"), PASSWORD);
        }

        String refusedName = Names.user("farm");
        HttpResponse<String> refused = SITE.browser().from(address).submit("/signup", "/signup",
                Map.of("username", refusedName, "password", PASSWORD));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("class=\"site-header\"", "Too many new accounts from your address.");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 3600L + 1);
        assertThat(users(refusedName)).as("no account made").isZero();

        String elsewhere = Names.user("farm");
        SITE.browser().signUp(elsewhere, PASSWORD);
        assertThat(users(elsewhere)).as("another address is not affected").isOne();
    }

    @Test
    void formsWithMistakesDoNotCount() {
        String address = Names.address();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> wrong = SITE.browser().from(address).submit("/signup", "/signup",
                    Map.of("username", Names.user("typo"), "password", "short"));
            assertThat(wrong.statusCode()).isEqualTo(422);
        }
        SITE.browser().from(address).signUp(Names.user("typo"), PASSWORD);
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
