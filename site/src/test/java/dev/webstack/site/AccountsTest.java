package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sign up, log in, log out over HTTP: redirects, cookies, field messages, session rotation. */
class AccountsTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final String PASSWORD = "correct horse battery";

    @Test
    void signUpLogsInWithASafeCookieAndShowsTheName() {
        Browser browser = SITE.browser();
        String username = Names.user("alice");
        HttpResponse<String> form = browser.get("/signup");
        assertThat(browser.cookie("sid")).as("no session for showing a form").isNull();

        HttpResponse<String> response = browser.post("/signup",
                Map.of("username", username, "password", PASSWORD, "_csrf", Browser.csrfToken(form.body())));

        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(response.headers().firstValue("Location")).hasValue("/");
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("sid=").contains("; Path=/", "; HttpOnly", "; SameSite=Lax")
                .doesNotContain("Secure");
        assertThat(browser.cookie("sid")).as("a session at sign-up").isNotNull();
        HttpResponse<String> home = browser.get("/");
        assertThat(home.body()).contains("<a class=\"me\" href=\"/u/" + username + "\">" + username + "</a>", "Log out")
                .doesNotContain(">Log in<");
    }

    @Test
    void cookieIsSecureWhenTheProxySaysHttps() {
        Browser browser = SITE.browser().header("X-Forwarded-Proto", "https");
        HttpResponse<String> form = browser.get("/login");
        assertThat(form.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure", "; HttpOnly");
    }

    @Test
    void usernamesAreUniqueIgnoringCaseAndSpaces() {
        String username = Names.user("bob");
        SITE.browser().signUp(username, PASSWORD);

        HttpResponse<String> again = SITE.browser().submit("/signup", "/signup",
                Map.of("username", "  " + username.toUpperCase() + " ", "password", PASSWORD));

        assertThat(again.statusCode()).isEqualTo(422);
        assertThat(again.body()).contains("id=\"username-error\">That username is taken");
    }

    @ParameterizedTest(name = "[{index}] {0} / {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "ab                              | correct horse | username | A username has 3 to 30 characters.",
        "abcdefghijklmnopqrstuvwxyz_12345 | correct horse | username | A username has 3 to 30 characters.",
        "bad name                         | correct horse | username | Use only letters a-z, digits 0-9 and _.",
        "tomás                            | correct horse | username | Use only letters a-z, digits 0-9 and _.",
        "\"\"                               | correct horse | username | Choose a username.",
        "VALIDNAME                        | short         | password | A password has at least 8 characters.",
        "VALIDNAME                        | \"\"            | password | Choose a password.",
    })
    void signUpRulesAreShownNextToTheField(String username, String password, String field, String message) {
        String name = username.equals("VALIDNAME") ? Names.user("rules") : username;
        HttpResponse<String> response = SITE.browser().submit("/signup", "/signup",
                Map.of("username", name, "password", password));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("id=\"" + field + "-error\">" + message.replace("'", "&#39;"));
    }

    @Test
    void passwordsAreLimitedTo72BytesNotCharacters() {
        String seventyTwoBytes = "é".repeat(36);
        String seventyFourBytes = "é".repeat(37);
        HttpResponse<String> tooLong = SITE.browser().submit("/signup", "/signup",
                Map.of("username", Names.user("long"), "password", seventyFourBytes));
        assertThat(tooLong.statusCode()).isEqualTo(422);
        assertThat(tooLong.body()).contains("id=\"password-error\">A password has at most 72 bytes");

        String username = Names.user("long");
        SITE.browser().signUp(username, seventyTwoBytes);
        assertThat(SITE.browser().logIn(username, seventyTwoBytes).statusCode()).isEqualTo(303);
        assertThat(SITE.browser().logIn(username, seventyTwoBytes + "x").statusCode()).isEqualTo(422);
    }

    @Test
    void logOutEndsTheSessionEverywhere() {
        Browser browser = SITE.member("carol");
        String oldCookie = browser.cookie("sid");
        String token = Browser.csrfToken(browser.get("/").body());

        HttpResponse<String> out = browser.post("/logout", Map.of("_csrf", token));

        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("sid=;", "Max-Age=0");
        Browser replay = SITE.browser();
        replay.setCookie("sid", oldCookie);
        assertThat(replay.get("/api/session").statusCode()).as("the old cookie is dead").isEqualTo(401);
        assertThat(replay.get("/").body()).contains(">Log in<");
    }

    @Test
    void logInWithRightAndWrongPasswords() {
        String username = Names.user("dave");
        SITE.browser().signUp(username, PASSWORD);
        Browser browser = SITE.browser();

        HttpResponse<String> wrong = browser.logIn(username, "not the password");
        assertThat(wrong.statusCode()).isEqualTo(422);
        assertThat(wrong.body()).contains("Wrong username or password.").contains("value=\"" + username + "\"");

        HttpResponse<String> unknown = browser.logIn(Names.user("nobody"), PASSWORD);
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(unknown.body()).contains("Wrong username or password.");

        HttpResponse<String> right = browser.logIn(" " + username.toUpperCase(), PASSWORD);
        assertThat(right.statusCode()).isEqualTo(303);
        assertThat(right.headers().firstValue("Location")).hasValue("/");
        assertThat(browser.get("/api/session").body()).contains("\"username\":\"" + username + "\"");
        assertThat(browser.get("/login").statusCode()).as("already logged in").isEqualTo(303);
    }

    @ParameterizedTest
    @CsvSource({"/write, /write", "/u/x?page=2, /u/x?page=2", "//evil.example/, /", "https://evil.example/, /",
        "/\\evil.example, /"})
    void logInReturnsToWhereTheVisitorWasGoingOnThisSiteOnly(String next, String expected) {
        String username = Names.user("erin");
        SITE.browser().signUp(username, PASSWORD);
        HttpResponse<String> response = SITE.browser().submit("/login", "/login",
                Map.of("username", username, "password", PASSWORD, "next", next));
        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(response.headers().firstValue("Location")).hasValue(expected);
    }

    @Test
    void apiSessionNeedsALogIn() {
        HttpResponse<String> response = SITE.browser().get("/api/session");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(response.body()).isEqualTo("{\"error\":\"Log in first.\"}");
    }
}
