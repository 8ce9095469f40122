package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.HealthCheckConfig;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.upstream.ServerState;
import dev.webstack.edge.upstream.Upstream;
import dev.webstack.edge.upstream.UpstreamServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream's servers are watched: actively, by GETting their health path (a failing server is taken out until
 * it passes again), and passively, by the requests they fail (a failing server is ejected for a while). Requests
 * go only to servers that are up, and every change is written to the error log.
 */
class HealthCheckTest {
    private static final HealthCheckConfig ACTIVE = HealthCheckConfig.DEFAULT.withPath("/health")
            .withActive(Duration.ofMillis(100), Duration.ofMillis(500), 2, 2);

    @TempDir
    Path dir;

    private TestBackend a;
    private TestBackend b;
    private TestEdge edge;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startBackends() throws Exception {
        a = new TestBackend("a");
        b = new TestBackend("b");
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        a.close();
        b.close();
    }

    @Test
    void aServerFailingItsHealthCheckIsTakenOutUntilItPassesAgain() throws Exception {
        b.health(503);
        Upstream upstream = start(UpstreamConfig.of("app", List.of(a.serverConfig(), b.serverConfig()))
                .withHealth(ACTIVE));
        UpstreamServer serverB = server(upstream, b);

        Await.until("b is marked unhealthy", () -> serverB.state() == ServerState.UNHEALTHY);
        int bBefore = b.requests();
        Map<String, Integer> whileDown = sendNames(10);
        assertThat(serverB.state()).isEqualTo(ServerState.UNHEALTHY);

        assertThat(whileDown).containsOnly(Map.entry("a", 10));
        assertThat(b.requests()).isEqualTo(bBefore);
        assertThat(server(upstream, a).state()).as("a, answering 200").isEqualTo(ServerState.HEALTHY);

        b.health(200);
        Await.until("b is marked healthy again", () -> serverB.state() == ServerState.HEALTHY);
        Map<String, Integer> backUp = sendNames(10);

        assertThat(backUp).containsOnly(Map.entry("a", 5), Map.entry("b", 5));
        Await.until("the error log tells b went down and came back", () -> {
            String log = errorLog();
            return log.contains(b.address() + " is DOWN") && log.contains(b.address() + " is UP");
        });
        assertThat(errorLog()).doesNotContain(a.address() + " is DOWN");
    }

    @Test
    void aServerWhoseHealthPathCannotBeReachedIsTakenOut() throws Exception {
        Upstream upstream = start(UpstreamConfig.of("app", List.of(a.serverConfig(), b.serverConfig()))
                .withHealth(ACTIVE.withPassive(0, Duration.ofSeconds(10)))
                .withTries(1, Duration.ofSeconds(10)));
        UpstreamServer serverB = server(upstream, b);
        assertThat(sendNames(4)).containsOnly(Map.entry("a", 2), Map.entry("b", 2));

        b.close();
        Await.until("b, stopped, is marked unhealthy", () -> serverB.state() == ServerState.UNHEALTHY);

        // Passive checks and retries are off: only the active checks keep requests away from b (else 502).
        assertThat(sendNames(10)).containsOnly(Map.entry("a", 10));
    }

    @Test
    void aStoppedServerFailsARequestAndIsEjectedAfterMaxFails() throws Exception {
        start(UpstreamConfig.of("app", List.of(a.serverConfig(), b.serverConfig()))
                .withHealth(HealthCheckConfig.DEFAULT.withPassive(1, Duration.ofSeconds(60)))
                .withTries(1, Duration.ofSeconds(10)));
        b.close();

        // One try per request: the request that goes to the stopped server fails (round-robin: within two).
        int failed = 0;
        for (int i = 0; i < 2 && failed == 0; i++) {
            HttpResponse<String> response = send("/name");
            if (response.statusCode() == 502) {
                failed++;
            } else {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("a");
            }
        }
        assertThat(failed).as("requests answered 502 by the stopped server").isEqualTo(1);

        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = send("/name");
            statuses.merge(response.statusCode(), 1, Integer::sum);
            if (response.statusCode() == 200) {
                assertThat(response.body()).isEqualTo("a");
            }
        }
        assertThat(statuses).as("statuses after the ejection").containsOnly(Map.entry(200, 20));
        Await.until("the error log tells b was ejected", () -> errorLog().contains(b.address() + " ejected"));
    }

    @Test
    void withRetriesNoClientSeesTheStoppedServer() throws Exception {
        start(UpstreamConfig.of("app", List.of(a.serverConfig(), b.serverConfig()))
                .withHealth(HealthCheckConfig.DEFAULT.withPassive(1, Duration.ofSeconds(60))));
        assertThat(sendNames(4)).containsOnly(Map.entry("a", 2), Map.entry("b", 2));

        b.close();

        // sendNames fails on any status but 200.
        assertThat(sendNames(20)).containsOnly(Map.entry("a", 20));
        Await.until("the error log tells b was ejected", () -> errorLog().contains(b.address() + " ejected"));
    }

    private Upstream start(UpstreamConfig upstream) throws Exception {
        edge = new TestEdge(dir).upstream(upstream).proxy("app", "app.test").defaultHost("app.test").start();
        return edge.server().upstream("app");
    }

    private static UpstreamServer server(Upstream upstream, TestBackend backend) {
        return upstream.servers().stream().filter(s -> s.config().address().equals(backend.address())).findFirst()
                .orElseThrow();
    }

    private String errorLog() {
        try {
            return Files.readString(dir.resolve("logs/error.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(edge.httpUri(path)).header("Host", "app.test")
                .timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code n} requests for {@code /name} one after the other; how many each backend answered. */
    private Map<String, Integer> sendNames(int n) throws Exception {
        Map<String, Integer> answered = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = send("/name");
            assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
            answered.merge(response.body(), 1, Integer::sum);
        }
        return answered;
    }
}
