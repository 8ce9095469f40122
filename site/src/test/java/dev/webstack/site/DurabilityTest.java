package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A post the API answered 201 for survives a crash of the database (SIGKILL, then a start on the same folder):
 * it is there with the id, title and body the client was given, in the table and through the site. Posts whose
 * request failed around the crash may or may not exist, but one that exists is whole.
 *
 * <pre>
 *   main thread:  200 × POST /api/posts (all 201) ─┐                 ┌─ startAgain → /healthz 200 → check
 *   writer:       POST, POST, POST ... ────────────┴─ kill (SIGKILL) ─┴─ 503s ... stop
 * </pre>
 */
class DurabilityTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POSTS = 200;
    private static final long BOUNDED_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** What a client sent and, when it got a 201, the id it was given (null otherwise). */
    private record Sent(String title, String body, Long id) {
    }

    @Test
    void everyAcknowledgedPostSurvivesAKill() throws Exception {
        String prefix = "durable " + Names.user("d") + " ";
        Browser member = SITE.member("durable");
        String token = member.apiToken();
        Browser writer = SITE.member("durablewriter");
        String writerToken = writer.apiToken();

        List<Sent> sent = new ArrayList<>();
        List<Sent> racing = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService background = Executors.newSingleThreadExecutor();
        boolean killed = false;
        try {
            Future<?> writing = background.submit(() -> {
                for (int i = 0; !stop.get() && i < 100_000; i++) {
                    racing.add(post(writer, writerToken, prefix + "racing " + i, body(i)));
                }
            });
            for (int i = 0; i < POSTS; i++) {
                Sent one = post(member, token, prefix + i, body(i));
                assertThat(one.id()).as("POST %d with the database up", i).isNotNull();
                sent.add(one);
            }
            awaitAtLeast(racing, 10, "acknowledged racing posts");

            killed = true;
            TestDatabase.kill();
            int beforeKill = racing.size();
            // the writer goes on into the outage: a few requests that fail (or were in flight at the kill)
            awaitAtLeast(racing, beforeKill + 3, "racing requests after the kill");
            stop.set(true);
            writing.get(60, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            background.shutdownNow();
            background.awaitTermination(60, TimeUnit.SECONDS);
            if (killed) {
                TestDatabase.startAgain();
            }
        }
        List<Sent> raced = List.copyOf(racing);
        assertThat(raced).as("some racing posts failed while the database was down")
                .anyMatch(s -> s.id() == null);

        List<Sent> acknowledged = new ArrayList<>(sent);
        raced.stream().filter(s -> s.id() != null).forEach(acknowledged::add);
        Map<String, String> attempted = new HashMap<>();
        sent.forEach(s -> attempted.put(s.title(), s.body()));
        raced.forEach(s -> attempted.put(s.title(), s.body()));

        // in the table: every acknowledged post by id, and every stored one whole
        Map<Long, Sent> stored = storedPosts(prefix);
        for (Sent s : acknowledged) {
            assertThat(stored).as("acknowledged post %d (%s)", s.id(), s.title()).containsKey(s.id());
            assertThat(stored.get(s.id()).title()).isEqualTo(s.title());
            assertThat(stored.get(s.id()).body()).isEqualTo(s.body());
        }
        for (Sent row : stored.values()) {
            assertThat(attempted).as("stored post %d was sent", row.id()).containsKey(row.title());
            assertThat(row.body()).as("body of stored post %d", row.id()).isEqualTo(attempted.get(row.title()));
        }

        // through the site, once its pool has found the database again
        awaitHealthy(member);
        for (Sent s : acknowledged) {
            HttpResponse<String> response = member.get("/api/posts/" + s.id());
            assertThat(response.statusCode()).as("GET /api/posts/%d", s.id()).isEqualTo(200);
            JsonNode post = JSON.readTree(response.body());
            assertThat(post.get("id").asLong()).isEqualTo(s.id());
            assertThat(post.get("title").asText()).isEqualTo(s.title());
            assertThat(post.get("body").asText()).isEqualTo(s.body());
        }
        assertThat(member.api("POST", "/api/posts", "{\"title\":\"after\",\"body\":\"the crash\"}").statusCode())
                .as("writes work again").isEqualTo(201);
    }

    /** Bodies of varied length and characters, none with whitespace at the ends (the site trims). */
    private static String body(int i) {
        return "start " + i + " & <b>\"quotes\"</b> ü 🦊\n" + "x".repeat(i * 97 % 6000) + "\nend " + i;
    }

    /** One API create; a refused or failed request is recorded with no id. */
    private static Sent post(Browser browser, String token, String title, String body) {
        String json = "{\"title\":" + Browser.json(title) + ",\"body\":" + Browser.json(body) + "}";
        try {
            HttpResponse<String> response = browser.api("POST", "/api/posts", json, token, "application/json");
            if (response.statusCode() != 201) {
                return new Sent(title, body, null);
            }
            JsonNode created = JSON.readTree(response.body());
            long id = created.get("id").asLong();
            assertThat(response.headers().firstValue("Location")).hasValue("/api/posts/" + id);
            assertThat(created.get("title").asText()).isEqualTo(title);
            assertThat(created.get("body").asText()).isEqualTo(body);
            return new Sent(title, body, id);
        } catch (IOException | RuntimeException e) {
            return new Sent(title, body, null);
        }
    }

    private static Map<Long, Sent> storedPosts(String prefix) throws Exception {
        Map<Long, Sent> stored = new HashMap<>();
        try (Connection connection = TestDatabase.connect();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT id, title, body FROM posts WHERE title LIKE ?")) {
            select.setString(1, prefix.replace("_", "\\_") + "%");
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getLong(1), new Sent(rows.getString(2), rows.getString(3), rows.getLong(1)));
                }
            }
        }
        return stored;
    }

    /** Bounded wait until the list holds at least n entries. */
    private static void awaitAtLeast(List<Sent> list, int n, String what) throws InterruptedException {
        long deadline = System.nanoTime() + BOUNDED_WAIT_NANOS;
        while (list.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected at least " + n + " " + what + ", got " + list.size());
            }
            Thread.sleep(20);
        }
    }

    /** Bounded wait for the site's pool to reconnect by itself. */
    private static void awaitHealthy(Browser browser) throws InterruptedException {
        long deadline = System.nanoTime() + BOUNDED_WAIT_NANOS;
        while (browser.get("/healthz").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("/healthz did not answer 200 within 30 s of the restart");
            }
            Thread.sleep(200);
        }
    }
}
