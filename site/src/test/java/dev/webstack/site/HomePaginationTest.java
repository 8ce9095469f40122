package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Twenty posts a page, newest first, on the home page, a person's page and the API; bad page numbers are 400. */
class HomePaginationTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CARD = Pattern.compile("class=\"post-card\"");
    private static String author;

    @BeforeAll
    static void writeFortyFivePosts() {
        author = Names.user("prolific");
        Browser browser = SITE.browser().signUp(author, "correct horse battery");
        String token = browser.apiToken();
        for (int i = 1; i <= 45; i++) {
            HttpResponse<String> created = browser.api("POST", "/api/posts",
                    "{\"title\":\"Post number " + i + "\",\"body\":\"text " + i + "\"}", token, "application/json");
            assertThat(created.statusCode()).isEqualTo(201);
        }
    }

    @Test
    void homeShowsTwentyNewestFirstWithLinks() throws Exception {
        long total = JSON.readTree(SITE.browser().get("/api/posts").body()).get("total").asLong();
        long pages = (total + 19) / 20;

        HttpResponse<String> first = SITE.browser().get("/");
        assertThat(cards(first.body())).isEqualTo(20);
        assertThat(first.body()).contains("Post number 45", "Page 1 of " + pages, "rel=\"next\" href=\"/?page=2\"")
                .doesNotContain("rel=\"prev\"");
        assertThat(first.body().indexOf("Post number 45")).isLessThan(first.body().indexOf("Post number 44"));

        HttpResponse<String> second = SITE.browser().get("/?page=2");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(cards(second.body())).isEqualTo(20);
        assertThat(second.body()).contains("Post number 25", "rel=\"prev\" href=\"/?page=1\"")
                .doesNotContain("Post number 45");

        HttpResponse<String> last = SITE.browser().get("/?page=" + pages);
        assertThat(cards(last.body())).isEqualTo((int) (total - (pages - 1) * 20));
        assertThat(last.body()).doesNotContain("rel=\"next\"");

        HttpResponse<String> beyond = SITE.browser().get("/?page=" + (pages + 5));
        assertThat(beyond.statusCode()).isEqualTo(200);
        assertThat(beyond.body()).contains("There is nothing on this page.");
    }

    @Test
    void aPersonsPageIsPaginatedToo() {
        HttpResponse<String> first = SITE.browser().get("/u/" + author);
        assertThat(first.body()).contains("45 posts", "Page 1 of 3");
        assertThat(cards(first.body())).isEqualTo(20);
        HttpResponse<String> third = SITE.browser().get("/u/" + author + "?page=3");
        assertThat(cards(third.body())).isEqualTo(5);
        assertThat(third.body()).contains("Post number 1<", "rel=\"prev\" href=\"/u/" + author + "?page=2\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "0", "abc", "1.5", "+2", "%201", "100001", "99999999999999999999"})
    void badPageNumbersAre400(String page) throws Exception {
        HttpResponse<String> html = SITE.browser().get("/?page=" + page);
        assertThat(html.statusCode()).isEqualTo(400);
        assertThat(html.body()).contains("class=\"site-header\"", "expected: a whole number from 1 to 100000");

        HttpResponse<String> api = SITE.browser().get("/api/posts?page=" + page);
        assertThat(api.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(api.body());
        assertThat(error.get("error").asText()).startsWith("page: ");
        assertThat(error.get("fields").get("page").asText()).contains("expected: a whole number");

        assertThat(SITE.browser().get("/u/" + author + "?page=" + page).statusCode()).isEqualTo(400);
    }

    @Test
    void apiPagesAreCappedAndDescribed() throws Exception {
        JsonNode five = JSON.readTree(SITE.browser().get("/api/posts?per_page=5&page=2").body());
        assertThat(five.get("items")).hasSize(5);
        assertThat(five.get("page").asInt()).isEqualTo(2);
        assertThat(five.get("per_page").asInt()).isEqualTo(5);
        assertThat(five.get("total").asLong()).isGreaterThanOrEqualTo(45);
        assertThat(five.get("total_pages").asLong()).isEqualTo((five.get("total").asLong() + 4) / 5);
        assertThat(five.get("items").get(0).get("title").asText()).isEqualTo("Post number 40");

        JsonNode capped = JSON.readTree(SITE.browser().get("/api/posts?per_page=1000").body());
        assertThat(capped.get("per_page").asInt()).isEqualTo(100);

        JsonNode byDefault = JSON.readTree(SITE.browser().get("/api/posts").body());
        assertThat(byDefault.get("per_page").asInt()).isEqualTo(20);
        assertThat(byDefault.get("items")).hasSize(20);

        for (String bad : new String[] {"0", "-5", "many"}) {
            HttpResponse<String> response = SITE.browser().get("/api/posts?per_page=" + bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("fields").has("per_page")).isTrue();
        }
    }

    @Test
    void listingsReachBackAHundredThousandPostsAndPerPageIsCappedWhateverItsLength() throws Exception {
        assertThat(SITE.browser().get("/?page=5000").statusCode()).isEqualTo(200); // 100000 rows: within reach
        HttpResponse<String> tooFar = SITE.browser().get("/?page=5001");
        assertThat(tooFar.statusCode()).isEqualTo(400);
        assertThat(tooFar.body()).contains("a listing reaches back 100000 items");
        assertThat(SITE.browser().get("/api/posts?per_page=100&page=1001").statusCode()).isEqualTo(400);
        JsonNode huge = JSON.readTree(SITE.browser().get("/api/posts?per_page=99999999999999999999").body());
        assertThat(huge.get("per_page").asInt()).isEqualTo(100);
    }

    @Test
    void listingsShowExcerptsAndTheApiTheWholeBody() throws Exception {
        Browser writer = SITE.member("longwinded");
        String body = "word ".repeat(3_000).strip() + " THE-END";
        HttpResponse<String> created = writer.api("POST", "/api/posts",
                "{\"title\":\"A very long post\",\"body\":\"" + body + "\"}", writer.apiToken(), "application/json");
        assertThat(created.statusCode()).isEqualTo(201);
        String home = SITE.browser().get("/").body();
        assertThat(home).contains("A very long post", "word word", "…").doesNotContain("THE-END");
        JsonNode first = JSON.readTree(SITE.browser().get("/api/posts?per_page=1").body()).get("items").get(0);
        assertThat(first.get("body").asText()).isEqualTo(body);
    }

    @Test
    void aPersonsPageAnswersOnlyToTheNameAsWritten() {
        assertThat(SITE.browser().get("/u/" + author).statusCode()).isEqualTo(200);
        assertThat(SITE.browser().get("/u/" + author + "%20%20").statusCode()).isEqualTo(404);
        assertThat(SITE.browser().get("/u/" + author.toUpperCase()).statusCode()).isEqualTo(404);
    }

    private static int cards(String html) {
        Matcher m = CARD.matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
