package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every form POST checks the session's token: missing, forged or borrowed from another session is a 403. */
class CsrfTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    @ParameterizedTest
    @ValueSource(strings = {"missing", "empty", "forged", "another session's"})
    void everyFormRefusesABadToken(String kind) {
        Browser victim = SITE.member("victim");
        long id = victim.write("Keep me", "still here");
        String token = switch (kind) {
            case "missing" -> null;
            case "empty" -> "";
            case "forged" -> "A".repeat(43);
            default -> Browser.csrfToken(SITE.member("attacker").get("/").body());
        };

        Map<String, Map<String, String>> forms = Map.of(
                "/signup", Map.of("username", Names.user("forged"), "password", "correct horse battery"),
                "/login", Map.of("username", "nobody", "password", "whatever1"),
                "/write", Map.of("title", "forged", "body", "forged"),
                "/posts/" + id + "/edit", Map.of("title", "forged", "body", "forged"),
                "/posts/" + id + "/delete", Map.of(),
                "/logout", Map.of());
        forms.forEach((action, fields) -> {
            Map<String, String> withToken = new HashMap<>(fields);
            if (token != null) {
                withToken.put("_csrf", token);
            }
            HttpResponse<String> response = victim.post(action, withToken);
            assertThat(response.statusCode()).as("%s with %s token", action, kind).isEqualTo(403);
            assertThat(response.body()).as(action).contains("This form has expired or was not sent from this site.");
        });

        HttpResponse<String> post = victim.get("/posts/" + id);
        assertThat(post.body()).contains("Keep me", "still here").doesNotContain("forged");
        assertThat(victim.get("/api/session").statusCode()).as("still logged in").isEqualTo(200);
    }

    @Test
    void aVisitorWithoutACookieCannotPostAtAll() {
        HttpResponse<String> response = SITE.browser().post("/login",
                Map.of("username", "x", "password", "y", "_csrf", "A".repeat(43)));
        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void theTokenIsInEveryForm() {
        Browser member = SITE.member("forms");
        long id = member.write("t", "b");
        for (String page : new String[] {"/", "/write", "/posts/" + id, "/posts/" + id + "/edit",
            "/posts/" + id + "/delete"}) {
            String html = member.get(page).body();
            int forms = html.split("<form", -1).length - 1;
            int tokens = html.split("name=\"_csrf\"", -1).length - 1;
            assertThat(tokens).as(page).isEqualTo(forms).isPositive();
        }
        for (String page : new String[] {"/login", "/signup"}) {
            assertThat(SITE.browser().get(page).body()).as(page).contains("name=\"_csrf\" value=\"");
        }
    }
}
