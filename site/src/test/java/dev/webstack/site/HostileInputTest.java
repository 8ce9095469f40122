package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTML, script and SQL typed into every field: stored exactly as typed where the field takes free text, refused
 * by the rules where it does not, escaped wherever it is shown, and never able to change a statement.
 */
class HostileInputTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "</textarea><script>alert(2)</script>",
        "' onmouseover='alert(3)",
        "'; DROP TABLE posts; --",
        "Robert'); DROP TABLE users;--",
        "1' OR '1'='1",
        "\\' UNION SELECT password_hash FROM users -- ",
        "${7*7} @if(true) <%= 1 %> {{7*7}}",
        "ünïcødé 😀 𝄞 \u202Eevil",
    })
    void freeTextIsStoredAsTypedAndEscapedOnOutput(String hostile) throws Exception {
        Browser browser = SITE.member("hostile");
        long id = browser.write(hostile, hostile);

        JsonNode stored = JSON.readTree(SITE.browser().get("/api/posts/" + id).body());
        assertThat(stored.get("title").asText()).isEqualTo(hostile.strip());
        assertThat(stored.get("body").asText()).isEqualTo(hostile.strip());
        try (Connection connection = TestDatabase.connect();
                PreparedStatement select = connection.prepareStatement("SELECT title, body FROM posts WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo(hostile.strip());
                assertThat(row.getString(2)).isEqualTo(hostile.strip());
            }
        }

        for (String page : new String[] {"/posts/" + id, "/", "/posts/" + id + "/edit", "/posts/" + id + "/delete"}) {
            String html = browser.get(page).body();
            // in text a quote is harmless; in attributes JTE escapes both quote kinds, so nothing breaks out
            assertThat(html).as(page).doesNotContain("<script>alert", "<img src=x", "</textarea><script>",
                    "value=\"'");
            if (hostile.contains("<")) {
                assertThat(html).as(page).contains("&lt;");
            }
        }

        HttpResponse<String> viaApi = browser.api("POST", "/api/posts",
                "{\"title\":" + Browser.json(hostile) + ",\"body\":" + Browser.json(hostile) + "}");
        assertThat(viaApi.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(viaApi.body()).get("body").asText()).isEqualTo(hostile.strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "admin'--",
        "x'; DROP TABLE users; --",
        "' OR 1=1 --",
    })
    void accountFieldsRefuseItAndEchoItEscaped(String hostile) throws Exception {
        HttpResponse<String> signUp = SITE.browser().submit("/signup", "/signup",
                Map.of("username", hostile, "password", hostile + hostile));
        assertThat(signUp.statusCode()).isEqualTo(422);
        assertThat(signUp.body()).contains("id=\"username-error\">Use only letters a-z")
                .doesNotContain("<script>alert", "<img src=x");

        HttpResponse<String> logIn = SITE.browser().logIn(hostile, hostile);
        assertThat(logIn.statusCode()).isEqualTo(422);
        assertThat(logIn.body()).contains("Wrong username or password.").doesNotContain("<script>alert", "<img src=x");

        HttpResponse<String> person = SITE.browser().get("/u/" + URLEncoder.encode(hostile, StandardCharsets.UTF_8)
                .replace("+", "%20"));
        assertThat(person.statusCode()).isEqualTo(404);
        assertThat(person.body()).doesNotContain("<script>alert", "<img src=x");

        try (Connection connection = TestDatabase.connect();
                PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM users WHERE username = ?")) {
            select.setString(1, hostile.toLowerCase());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                assertThat(row.getInt(1)).isZero();
            }
        }
    }

    /** The proxy in front (a loopback peer) is believed about the client, but an odd header is no error. */
    @ParameterizedTest
    @ValueSource(strings = {",", " , ", ",,,", "", "not-an-address, ", "192.0.2.1,", "0123456789012345678901234567890123456789012345678"})
    void oddForwardedForFromTheProxyIsNotAnError(String forwardedFor) throws Exception {
        java.net.CookieManager cookies = new java.net.CookieManager();
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().cookieHandler(cookies).build();
        java.net.URI base = java.net.URI.create("http://127.0.0.1:" + SITE.port());
        HttpResponse<String> form = client.send(java.net.http.HttpRequest.newBuilder(base.resolve("/login"))
                .header("X-Forwarded-For", forwardedFor).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(200);
        String body = Browser.encode(Map.of("_csrf", Browser.csrfToken(form.body()), "username", "odd" + Long.toString(System.nanoTime(), 36),
                "password", "wrong password"));
        HttpResponse<String> login = client.send(java.net.http.HttpRequest.newBuilder(base.resolve("/login"))
                .header("X-Forwarded-For", forwardedFor)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isIn(200, 422);
        assertThat(login.body()).doesNotContain("error id");
    }

    /** After every case, every table is still there and readable. */
    @AfterEach
    void tablesAreIntact() throws Exception {
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            for (String table : new String[] {"users", "posts", "sessions", "login_attempts"}) {
                try (ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    assertThat(row.next()).as(table).isTrue();
                }
            }
            try (ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM users")) {
                row.next();
                assertThat(row.getInt(1)).isPositive();
            }
        }
    }
}
