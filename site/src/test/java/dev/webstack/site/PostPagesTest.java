package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Writing, reading, editing and deleting posts through the HTML pages; a person's page; ownership. */
class PostPagesTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    @Test
    void writeShowEditDelete() {
        String username = Names.user("writer");
        Browser browser = SITE.browser().signUp(username, "correct horse battery");

        long id = browser.write("First post", "Hello,\r\nworld.");
        HttpResponse<String> page = browser.get("/posts/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).matches("text/html; ?charset=utf-8");
        assertThat(page.body()).contains("<h1>First post</h1>", "Hello,\nworld.", "href=\"/u/" + username + "\"",
                "href=\"/posts/" + id + "/edit\"", "href=\"/posts/" + id + "/delete\"");

        HttpResponse<String> editForm = browser.get("/posts/" + id + "/edit");
        assertThat(editForm.statusCode()).isEqualTo(200);
        assertThat(editForm.body()).contains("value=\"First post\"", ">Hello,\nworld.</textarea>");
        HttpResponse<String> edited = browser.submit("/posts/" + id + "/edit", "/posts/" + id + "/edit",
                Map.of("title", "  Second title  ", "body", "New words."));
        assertThat(edited.statusCode()).isEqualTo(303);
        assertThat(edited.headers().firstValue("Location")).hasValue("/posts/" + id);
        assertThat(browser.get("/posts/" + id).body()).contains("<h1>Second title</h1>", "New words.")
                .doesNotContain("First post");

        HttpResponse<String> confirm = browser.get("/posts/" + id + "/delete");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Delete this post?", "Second title");
        HttpResponse<String> deleted = browser.submit("/posts/" + id + "/delete", "/posts/" + id + "/delete", Map.of());
        assertThat(deleted.statusCode()).isEqualTo(303);
        assertThat(deleted.headers().firstValue("Location")).hasValue("/u/" + username);
        assertThat(browser.get("/posts/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void newPostsAppearOnTheHomePageAndTheAuthorsPage() {
        String amy = Names.user("amy");
        String ben = Names.user("ben");
        Browser amyBrowser = SITE.browser().signUp(amy, "correct horse battery");
        Browser benBrowser = SITE.browser().signUp(ben, "correct horse battery");
        amyBrowser.write("Amy's note", "from amy");
        benBrowser.write("Ben's note", "from ben");

        HttpResponse<String> home = SITE.browser().get("/");
        assertThat(home.body()).contains("Ben's note", "Amy's note");
        assertThat(home.body().indexOf("Ben's note")).as("newest first").isLessThan(home.body().indexOf("Amy's note"));

        HttpResponse<String> amyPage = SITE.browser().get("/u/" + amy);
        assertThat(amyPage.statusCode()).isEqualTo(200);
        assertThat(amyPage.body()).contains("<h1>" + amy + "</h1>", "1 post", "Amy's note")
                .doesNotContain("Ben's note");
        assertThat(SITE.browser().get("/u/" + Names.user("ghost")).statusCode()).isEqualTo(404);
    }

    @Test
    void writingNeedsALogIn() {
        Browser visitor = SITE.browser();
        HttpResponse<String> form = visitor.get("/write");
        assertThat(form.statusCode()).isEqualTo(303);
        assertThat(form.headers().firstValue("Location")).hasValue("/login?next=%2Fwrite");

        String token = Browser.csrfToken(visitor.get("/login").body());
        HttpResponse<String> post = visitor.post("/write", Map.of("_csrf", token, "title", "t", "body", "b"));
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(post.body()).contains("Please log in", "href=\"/login\"");
    }

    @Test
    void someoneElsesPostCannotBeChangedOrDeleted() {
        Browser owner = SITE.member("owner");
        Browser other = SITE.member("other");
        long id = owner.write("Mine", "only mine");

        assertThat(other.get("/posts/" + id).body()).doesNotContain("/edit\"", "/delete\"");
        assertThat(other.get("/posts/" + id + "/edit").statusCode()).isEqualTo(403);
        assertThat(other.get("/posts/" + id + "/delete").statusCode()).isEqualTo(403);
        String token = Browser.csrfToken(other.get("/").body());
        HttpResponse<String> edit = other.post("/posts/" + id + "/edit",
                Map.of("_csrf", token, "title", "stolen", "body", "stolen"));
        assertThat(edit.statusCode()).isEqualTo(403);
        assertThat(edit.body()).contains("someone else's post");
        HttpResponse<String> delete = other.post("/posts/" + id + "/delete", Map.of("_csrf", token));
        assertThat(delete.statusCode()).isEqualTo(403);

        HttpResponse<String> page = SITE.browser().get("/posts/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>Mine</h1>", "only mine").doesNotContain("stolen");
    }

    @Test
    void formRulesAreShownNextToTheFieldsAndTheInputIsKept() {
        Browser browser = SITE.member("rules");

        HttpResponse<String> empty = browser.submit("/write", "/write", Map.of("title", "   ", "body", "\n\t "));
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(empty.body()).contains("id=\"title-error\">Give your post a title.",
                "id=\"body-error\">Write something in your post.");

        HttpResponse<String> missing = browser.submit("/write", "/write", Map.of());
        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(missing.body()).contains("id=\"title-error\">", "id=\"body-error\">");

        HttpResponse<String> tooLong = browser.submit("/write", "/write",
                Map.of("title", "t".repeat(201), "body", "😀".repeat(20_001)));
        assertThat(tooLong.statusCode()).isEqualTo(422);
        assertThat(tooLong.body()).contains("id=\"title-error\">At most 200 characters (this has 201).",
                "id=\"body-error\">At most 20000 characters (this has 20001).", "t".repeat(201));

        HttpResponse<String> justRight = browser.submit("/write", "/write",
                Map.of("title", "😀".repeat(200), "body", "😀".repeat(20_000)));
        assertThat(justRight.statusCode()).isEqualTo(303);
        String location = justRight.headers().firstValue("Location").orElseThrow();
        assertThat(browser.get(location).body()).contains("😀".repeat(20_000));
    }

    @Test
    void aRequestOverTheSizeLimitIsRefusedWithAPage() {
        Browser browser = SITE.member("huge");
        HttpResponse<String> response = browser.submit("/write", "/write",
                Map.of("title", "huge", "body", "x".repeat(300 * 1024)));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).matches("text/html; ?charset=utf-8");
        assertThat(response.body()).contains("class=\"site-header\"", "too large", "at most 20000 characters");
    }

    @Test
    void unknownPostsAre404() {
        Browser browser = SITE.member("seeker");
        for (String path : new String[] {"/posts/999999999", "/posts/abc", "/posts/-1", "/posts/999999999/edit",
            "/posts/999999999/delete", "/posts/99999999999999999999999"}) {
            HttpResponse<String> response = browser.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).contains("class=\"site-header\"");
        }
        String token = Browser.csrfToken(browser.get("/").body());
        assertThat(browser.post("/posts/999999999/edit", Map.of("_csrf", token, "title", "a", "body", "b"))
                .statusCode()).isEqualTo(404);
    }
}
