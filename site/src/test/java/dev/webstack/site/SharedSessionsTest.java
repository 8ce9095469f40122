package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sessions live in the database: a cookie from instance A works on instance B, and a log-out on B ends it on A. */
class SharedSessionsTest {

    @RegisterExtension
    static final RunningSite A = new RunningSite();

    @RegisterExtension
    static final RunningSite B = new RunningSite();

    @Test
    void logInOnOneInstanceUseItOnTheOther() {
        String username = Names.user("roamer");
        Browser onA = A.browser().signUp(username, "correct horse battery");
        String cookie = onA.cookie("sid");

        Browser onB = B.browser();
        onB.setCookie("sid", cookie);
        assertThat(onB.get("/").body()).contains("<a class=\"me\" href=\"/u/" + username + "\">");
        long id = onB.write("Written on B", "with a session from A");
        assertThat(onA.get("/posts/" + id).body()).contains("Written on B", "/posts/" + id + "/edit");
        assertThat(onB.api("PUT", "/api/posts/" + id, "{\"title\":\"Edited on B\",\"body\":\"api\"}").statusCode())
                .isEqualTo(200);

        HttpResponse<String> out = onB.post("/logout", Map.of("_csrf", Browser.csrfToken(onB.get("/").body())));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(onA.get("/api/session").statusCode()).as("logged out on A too").isEqualTo(401);
        assertThat(onA.get("/").body()).contains(">Log in<");
    }

    @Test
    void aFormFetchedFromOneInstanceCanBeSubmittedToTheOther() {
        Browser onA = A.browser();
        String token = Browser.csrfToken(onA.get("/signup").body());
        Browser onB = B.browser();
        onB.setCookie("csrf", onA.cookie("csrf"));
        String username = Names.user("hopper");
        HttpResponse<String> response = onB.post("/signup",
                Map.of("_csrf", token, "username", username, "password", "correct horse battery"));
        assertThat(response.statusCode()).isEqualTo(303);
    }
}
