package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** 404, 405 and 500 pages in the site's layout (JSON under /api), no stack traces; headers; static files. */
class ErrorPagesTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void unknownAddressesGetAStyled404() throws Exception {
        HttpResponse<String> page = SITE.browser().get("/no/such/page");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).matches("text/html; ?charset=utf-8");
        assertThat(page.body()).contains("class=\"site-header\"", "Page not found", "/static/site.css",
                "There is no page at this address.");

        HttpResponse<String> api = SITE.browser().get("/api/no/such/thing");
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(api.body()).get("error").asText()).isEqualTo("not found");
    }

    @Test
    void wrongMethodsGetA405() {
        HttpResponse<String> response = SITE.browser().post("/", Map.of());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.body()).contains("class=\"site-header\"", "does not accept POST");
    }

    @Test
    void aDatabaseErrorIsA500WithAnIdAndNoDetails() throws Exception {
        Browser member = SITE.member("fivehundred");
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            statement.execute("RENAME TABLE posts TO posts_away");
            try {
                HttpResponse<String> page = member.get("/");
                assertThat(page.statusCode()).isEqualTo(500);
                assertThat(page.body()).contains("class=\"site-header\"", "Something went wrong")
                        .containsPattern("mention error [0-9a-f]{8}\\.")
                        .doesNotContain("Exception", "SQL", "posts_away", "doesn't exist", "at dev.webstack", "at io.");

                HttpResponse<String> api = member.get("/api/posts");
                assertThat(api.statusCode()).isEqualTo(500);
                assertThat(JSON.readTree(api.body()).get("error").asText()).matches("internal error [0-9a-f]{8}");

                assertThat(member.get("/healthz").statusCode()).as("the database itself is fine").isEqualTo(200);
            } finally {
                statement.execute("RENAME TABLE posts_away TO posts");
            }
        }
        assertThat(member.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void securityHeadersOnEveryKindOfAnswer() {
        for (String path : new String[] {"/", "/login", "/no/such/page", "/api/posts", "/static/site.css", "/healthz"}) {
            HttpResponse<String> response = SITE.browser().get(path);
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).get().asString()
                    .contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
        }
    }

    @Test
    void staticFilesAreServedUnderStatic() {
        HttpResponse<String> css = SITE.browser().get("/static/site.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        assertThat(css.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");
        assertThat(css.body()).contains("@media");

        HttpResponse<String> logo = SITE.browser().get("/static/logo.svg");
        assertThat(logo.statusCode()).isEqualTo(200);
        assertThat(logo.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");

        assertThat(SITE.browser().get("/static/missing.css").statusCode()).isEqualTo(404);
        assertThat(SITE.browser().get("/static/../db/migration/V1__schema.sql").statusCode()).isEqualTo(404);
    }

    @Test
    void healthzSaysOk() {
        HttpResponse<String> response = SITE.browser().get("/healthz");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }
}
