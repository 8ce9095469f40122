package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON API: status codes, Location, error bodies, CSRF header, content type, sizes. */
class PostApiTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void createReadUpdateDelete() throws Exception {
        String username = Names.user("api");
        Browser browser = SITE.browser().signUp(username, "correct horse battery");

        HttpResponse<String> created = browser.api("POST", "/api/posts", "{\"title\":\" Hi \",\"body\":\"There\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode post = JSON.readTree(created.body());
        long id = post.get("id").asLong();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/posts/" + id);
        assertThat(created.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(post.get("title").asText()).isEqualTo("Hi");
        assertThat(post.get("body").asText()).isEqualTo("There");
        assertThat(post.get("author").asText()).isEqualTo(username);
        assertThat(post.get("url").asText()).isEqualTo("/posts/" + id);
        assertThat(post.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        HttpResponse<String> read = SITE.browser().get("/api/posts/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(read.body()).get("title").asText()).isEqualTo("Hi");

        HttpResponse<String> updated = browser.api("PUT", "/api/posts/" + id, "{\"title\":\"Hi again\",\"body\":\"More\"}");
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(updated.body()).get("title").asText()).isEqualTo("Hi again");
        assertThat(JSON.readTree(SITE.browser().get("/api/posts/" + id).body()).get("body").asText()).isEqualTo("More");

        HttpResponse<String> deleted = browser.api("DELETE", "/api/posts/" + id, null);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(SITE.browser().get("/api/posts/" + id).statusCode()).isEqualTo(404);
        assertThat(browser.api("DELETE", "/api/posts/" + id, null).statusCode()).isEqualTo(404);
    }

    @Test
    void writesNeedALoggedInSession() throws Exception {
        Browser visitor = SITE.browser();
        visitor.get("/login");
        HttpResponse<String> response = visitor.api("POST", "/api/posts", "{\"title\":\"a\",\"body\":\"b\"}",
                "whatever", "application/json");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("log in first");
        assertThat(SITE.browser().api("DELETE", "/api/posts/1", null, null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void writesNeedTheSessionsCsrfTokenInAHeader() throws Exception {
        Browser browser = SITE.member("csrfapi");
        Browser other = SITE.member("csrfother");
        String body = "{\"title\":\"a\",\"body\":\"b\"}";
        for (String token : new String[] {null, "", "A".repeat(43), other.apiToken()}) {
            HttpResponse<String> response = browser.api("POST", "/api/posts", body, token, "application/json");
            assertThat(response.statusCode()).as("token %s", token).isEqualTo(403);
            assertThat(JSON.readTree(response.body()).get("error").asText()).contains("X-CSRF-Token");
        }
        String username = JSON.readTree(browser.get("/api/session").body()).get("username").asText();
        assertThat(browser.get("/u/" + username).body()).as("nothing was written").contains("0 posts");
    }

    @Test
    void someoneElsesPostIs403() throws Exception {
        Browser owner = SITE.member("apiowner");
        Browser other = SITE.member("apiother");
        long id = JSON.readTree(owner.api("POST", "/api/posts", "{\"title\":\"mine\",\"body\":\"mine\"}").body())
                .get("id").asLong();

        HttpResponse<String> put = other.api("PUT", "/api/posts/" + id, "{\"title\":\"x\",\"body\":\"x\"}");
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(put.body()).get("error").asText()).contains("belongs to someone else");
        assertThat(other.api("DELETE", "/api/posts/" + id, null).statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(SITE.browser().get("/api/posts/" + id).body()).get("title").asText()).isEqualTo("mine");
    }

    @Test
    void unknownIdsAre404() throws Exception {
        Browser browser = SITE.member("api404");
        for (String path : new String[] {"/api/posts/999999999", "/api/posts/abc", "/api/posts/1x"}) {
            HttpResponse<String> response = browser.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(JSON.readTree(response.body()).has("error")).isTrue();
        }
        assertThat(browser.api("PUT", "/api/posts/999999999", "{\"title\":\"a\",\"body\":\"b\"}").statusCode())
                .isEqualTo(404);
        assertThat(browser.get("/api/nothing/here").statusCode()).isEqualTo(404);
    }

    @Test
    void wrongMethodsAre405() throws Exception {
        Browser browser = SITE.member("api405");
        HttpResponse<String> patch = browser.api("PATCH", "/api/posts/1", "{}");
        assertThat(patch.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(patch.body()).get("error").asText()).contains("PATCH");
        assertThat(SITE.browser().api("DELETE", "/api/posts", null, null, null).statusCode()).isEqualTo(405);
    }

    @Test
    void oversizedBodiesAre413AndLongFieldsAre422() throws Exception {
        Browser browser = SITE.member("apisize");
        String huge = "{\"title\":\"t\",\"body\":\"" + "x".repeat(300 * 1024) + "\"}";
        HttpResponse<String> tooLarge = browser.api("POST", "/api/posts", huge);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(tooLarge.body()).get("error").asText()).contains("too large");

        HttpResponse<String> tooLong = browser.api("POST", "/api/posts",
                "{\"title\":\"" + "t".repeat(201) + "\",\"body\":\"" + "x".repeat(20_001) + "\"}");
        assertThat(tooLong.statusCode()).isEqualTo(422);
        JsonNode fields = JSON.readTree(tooLong.body()).get("fields");
        assertThat(fields.get("title").asText()).isEqualTo("At most 200 characters (this has 201).");
        assertThat(fields.get("body").asText()).isEqualTo("At most 20000 characters (this has 20001).");

        HttpResponse<String> blank = browser.api("POST", "/api/posts", "{\"title\":\"  \",\"body\":\"\"}");
        assertThat(blank.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(blank.body()).get("fields").size()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/jsonx", ""})
    void nonJsonBodiesAre415(String contentType) throws Exception {
        Browser browser = SITE.member("api415");
        HttpResponse<String> response = browser.api("POST", "/api/posts", "{\"title\":\"a\",\"body\":\"b\"}",
                browser.apiToken(), contentType.isEmpty() ? null : contentType);
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("application/json");
    }

    @Test
    void jsonWithACharsetIsFine() {
        Browser browser = SITE.member("apicharset");
        assertThat(browser.api("POST", "/api/posts", "{\"title\":\"a\",\"body\":\"b\"}", browser.apiToken(),
                "application/json; charset=utf-8").statusCode()).isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"title\":", "{title: 'a'}", "{\"title\":\"a\",\"body\":\"b\"} trailing", "",
        "[1,2]", "\"just a string\"", "null"})
    void malformedJsonIs400(String body) throws Exception {
        Browser browser = SITE.member("api400");
        HttpResponse<String> response = browser.api("POST", "/api/posts", body, browser.apiToken(), "application/json");
        assertThat(response.statusCode()).isEqualTo(400);
        String error = JSON.readTree(response.body()).get("error").asText();
        assertThat(error).matches("malformed JSON.*|expected a JSON object");
    }

    @Test
    void missingOrMistypedFieldsAre400WithFieldErrors() throws Exception {
        Browser browser = SITE.member("apifields");
        JsonNode missing = JSON.readTree(browser.api("POST", "/api/posts", "{}").body());
        assertThat(missing.get("error").asText()).isEqualTo("missing or malformed fields");
        assertThat(missing.get("fields").get("title").asText()).isEqualTo("required");
        assertThat(missing.get("fields").get("body").asText()).isEqualTo("required");

        HttpResponse<String> typed = browser.api("POST", "/api/posts", "{\"title\":5,\"body\":[\"x\"]}");
        assertThat(typed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(typed.body()).get("fields").get("title").asText()).isEqualTo("must be a string");
        assertThat(JSON.readTree(typed.body()).get("fields").get("body").asText()).isEqualTo("must be a string");
    }
}
