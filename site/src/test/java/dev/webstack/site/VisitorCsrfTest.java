package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A visitor who is not logged in gets the log-in and sign-up forms without a session: the form's CSRF token is
 * also in a cookie ({@code csrf}), and the POST must bring both, equal (double submit). Nothing is written to the
 * database for an anonymous page view, so crawlers cannot grow the sessions table.
 */
class VisitorCsrfTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final String PASSWORD = "correct horse battery";

    @Test
    void anonymousPageViewsWriteNoSession() throws Exception {
        long before = sessionRows();
        for (int i = 0; i < 10; i++) {
            for (String page : List.of("/login", "/signup", "/", "/login?next=/write")) {
                HttpResponse<String> response = SITE.browser().get(page);
                assertThat(response.statusCode()).as(page).isEqualTo(200);
                assertThat(response.headers().allValues("Set-Cookie")).as(page).noneMatch(c -> c.startsWith("sid="));
            }
        }
        assertThat(sessionRows()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/login", "/signup"})
    void theFormsTokenIsInAnHttpOnlyLaxCookie(String page) {
        Browser browser = SITE.browser();
        HttpResponse<String> form = browser.get(page);

        String setCookie = form.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("csrf="))
                .findFirst().orElseThrow();
        assertThat(setCookie).contains("; Path=/", "; HttpOnly", "; SameSite=Lax").doesNotContain("Secure");
        String token = Browser.csrfToken(form.body());
        assertThat(browser.cookie("csrf")).isEqualTo(token);
        assertThat(Browser.csrfToken(browser.get(page).body())).as("the same token while the cookie lasts")
                .isEqualTo(token);
        assertThat(browser.get(page).headers().allValues("Set-Cookie")).as("set once").isEmpty();
    }

    @Test
    void theCookieIsSecureBehindHttps() {
        HttpResponse<String> form = SITE.browser().header("X-Forwarded-Proto", "https").get("/login");
        assertThat(form.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("csrf=")
                .contains("; Secure", "; HttpOnly", "; SameSite=Lax"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/login", "/signup"})
    void aFieldThatDiffersFromTheCookieIs403(String action) {
        Browser browser = SITE.browser();
        String token = Browser.csrfToken(browser.get(action).body());
        String other = (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);

        HttpResponse<String> response = browser.post(action,
                Map.of("username", Names.user("differ"), "password", PASSWORD, "_csrf", other));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("This form has expired or was not sent from this site.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/login", "/signup"})
    void aFieldWithoutTheCookieIs403(String action) {
        String token = Browser.csrfToken(SITE.browser().get(action).body());

        HttpResponse<String> response = SITE.browser().post(action,
                Map.of("username", Names.user("nocookie"), "password", PASSWORD, "_csrf", token));

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void aCookieWithoutTheFieldIs403() {
        Browser browser = SITE.browser();
        browser.get("/login");

        HttpResponse<String> response = browser.post("/login", Map.of("username", "nobody", "password", PASSWORD));

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void signUpAndLogInWorkWithTheCookie() {
        String username = Names.user("cookie");
        Browser browser = SITE.browser().signUp(username, PASSWORD);
        assertThat(browser.get("/api/session").body()).contains("\"username\":\"" + username + "\"");

        Browser again = SITE.browser();
        HttpResponse<String> logIn = again.logIn(username, PASSWORD);
        assertThat(logIn.statusCode()).isEqualTo(303);
        String sessionToken = Browser.csrfToken(again.get("/").body());
        assertThat(sessionToken).as("a logged-in session uses its own token").isNotEqualTo(again.cookie("csrf"));
        assertThat(again.post("/logout", Map.of("_csrf", again.cookie("csrf"))).statusCode())
                .as("the visitor cookie is no token for the session").isEqualTo(403);
        assertThat(again.post("/logout", Map.of("_csrf", sessionToken)).statusCode()).isEqualTo(303);
    }

    private static long sessionRows() throws Exception {
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM sessions")) {
            row.next();
            return row.getLong(1);
        }
    }
}
