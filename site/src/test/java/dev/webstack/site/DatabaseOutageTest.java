package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database dies while requests are waiting on it: they answer 503 (page or JSON), new requests too, the health
 * check says 503 without hanging; when the database is back the site recovers by itself, sessions intact.
 */
class DatabaseOutageTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void midRequestLossIs503AndTheSiteRecovers() throws Exception {
        String username = Names.user("survivor");
        Browser member = SITE.browser().signUp(username, "correct horse battery");
        long id = member.write("Before the outage", "still here after");

        CompletableFuture<HttpResponse<String>> page;
        CompletableFuture<HttpResponse<String>> api;
        Connection locker = TestDatabase.connect();
        try (Statement statement = locker.createStatement()) {
            // hold the posts table so the site's queries wait inside the database, mid-request
            statement.execute("LOCK TABLES posts WRITE");
            page = async(member, "/");
            api = async(member, "/api/posts");
            awaitWaitingQueries(statement, 2);
            TestDatabase.kill();
        } finally {
            try {
                locker.close();
            } catch (Exception e) {
                // the server is gone: so is this connection
            }
        }

        HttpResponse<String> pageResponse = page.get(60, TimeUnit.SECONDS);
        assertThat(pageResponse.statusCode()).isEqualTo(503);
        assertThat(pageResponse.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(pageResponse.body()).contains("class=\"site-header\"", "cannot reach its database")
                .doesNotContain("Exception");
        HttpResponse<String> apiResponse = api.get(60, TimeUnit.SECONDS);
        assertThat(apiResponse.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(apiResponse.body()).get("error").asText()).contains("database unavailable");

        // while it is down: quick refusals, never a hang
        assertThat(member.get("/healthz").statusCode()).isEqualTo(503);
        assertThat(member.get("/posts/" + id).statusCode()).isEqualTo(503);
        assertThat(member.get("/api/posts/" + id).statusCode()).isEqualTo(503);
        assertThat(member.get("/static/site.css").statusCode()).as("static files need no database").isEqualTo(200);

        TestDatabase.startAgain();
        awaitHealthy(member);
        HttpResponse<String> after = member.get("/posts/" + id);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).contains("Before the outage", "<a class=\"me\" href=\"/u/" + username + "\">");
        assertThat(member.write("After the outage", "writes work again")).isPositive();
    }

    /**
     * A long outage with requests coming in makes the pool wait longer and longer between its attempts to reconnect
     * (up to 5 s). /healthz must not say 200 before a request would get a working connection: a load balancer and
     * this test take its 200 to mean the site works again.
     */
    @Test
    void healthzSaysOkOnlyOnceRequestsWorkAgain() throws Exception {
        Browser member = SITE.browser().signUp(Names.user("patient"), "correct horse battery");
        long id = member.write("Before a long outage", "read right after it");

        TestDatabase.kill();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
        for (int i = 0; i < 100 && System.nanoTime() < deadline; i++) {
            assertThat(member.get("/api/posts/" + id).statusCode()).as("GET during the outage").isEqualTo(503);
        }
        TestDatabase.startAgain();

        awaitHealthy(member);
        assertThat(member.get("/api/posts/" + id).statusCode()).as("the first request after /healthz said 200")
                .isEqualTo(200);
    }

    private static CompletableFuture<HttpResponse<String>> async(Browser browser, String path) {
        return CompletableFuture.supplyAsync(() -> browser.get(path));
    }

    /** Bounded wait until n of the site's statements wait for the table lock. */
    private static void awaitWaitingQueries(Statement statement, int n) throws InterruptedException, java.sql.SQLException {
        for (int attempt = 0; attempt < 200; attempt++) {
            try (ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                    + " WHERE STATE LIKE 'Waiting for table%' AND INFO LIKE '%posts%'")) {
                row.next();
                if (row.getInt(1) >= n) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the site's queries never reached the locked table");
    }

    /** Bounded wait for the pool to reconnect by itself. */
    private static void awaitHealthy(Browser browser) throws InterruptedException {
        for (int attempt = 0; attempt < 60; attempt++) {
            if (browser.get("/healthz").statusCode() == 200) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the site did not recover within the bounded wait");
    }
}
