package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.upstream.ServerState;
import dev.webstack.edge.upstream.Upstream;
import dev.webstack.edge.upstream.UpstreamServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers join and leave a running edge's upstream pool, as the app tier does during a rolling deploy: an added
 * server takes requests at once, a drained one takes no new ones while those in flight finish, a removed one is
 * gone.
 */
class UpstreamMembershipTest {
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
    void anAddedServerTakesRequestsAtOnce() throws Exception {
        Upstream upstream = start(a);
        assertThat(sendNames(4)).containsOnly(Map.entry("a", 4));

        UpstreamServer added = upstream.add(b.serverConfig());

        assertThat(added.state()).isEqualTo(ServerState.HEALTHY);
        assertThat(upstream.servers()).extracting(s -> s.config().address()).containsExactly(a.address(), b.address());
        assertThat(sendNames(10)).containsOnly(Map.entry("a", 5), Map.entry("b", 5));
        assertThat(b.requests()).isEqualTo(5);
    }

    @Test
    void aDrainedServerTakesNoNewRequestsAndItsDrainEndsWithItsLastRequest() throws Exception {
        Upstream upstream = start(a, b);
        CompletableFuture<HttpResponse<String>> slow = sendAsync("/slow?ms=2000");
        awaitSlowRequest(1);
        TestBackend busy = a.inFlight() == 1 ? a : b;
        TestBackend other = busy == a ? b : a;

        CompletableFuture<Void> drained = upstream.drain(busy.address(), Duration.ofSeconds(10));

        assertThat(server(upstream, busy).state()).isEqualTo(ServerState.DRAINING);
        assertThat(drained).as("drain with a request in flight").isNotDone();
        Map<String, Integer> whileDraining = sendNames(10);
        assertThat(busy.inFlight()).as("the slow request still runs after the others").isEqualTo(1);
        assertThat(drained).as("drain with a request still in flight").isNotDone();
        assertThat(whileDraining).containsOnly(Map.entry(other.name(), 10));

        HttpResponse<String> slowResponse = slow.get(15, TimeUnit.SECONDS);
        assertThat(slowResponse.statusCode()).isEqualTo(200);
        assertThat(slowResponse.body()).isEqualTo(busy.name());
        drained.get(5, TimeUnit.SECONDS);
        assertThat(drained).isCompletedWithValue(null);

        assertThat(sendNames(5)).as("after the drain").containsOnly(Map.entry(other.name(), 5));
        assertThat(busy.requests()).isEqualTo(1);
    }

    @Test
    void aDrainWhoseRequestOutlastsTheDeadlineFailsWithATimeoutAndLetsTheRequestFinish() throws Exception {
        Upstream upstream = start(a, b);
        CompletableFuture<HttpResponse<String>> slow = sendAsync("/slow?ms=3000");
        awaitSlowRequest(1);
        TestBackend busy = a.inFlight() == 1 ? a : b;

        CompletableFuture<Void> drained = upstream.drain(busy.address(), Duration.ofMillis(200));

        assertThatThrownBy(() -> drained.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(busy.inFlight()).as("the request the drain gave up on still runs").isEqualTo(1);
        HttpResponse<String> slowResponse = slow.get(15, TimeUnit.SECONDS);
        assertThat(slowResponse.statusCode()).isEqualTo(200);
        assertThat(slowResponse.body()).isEqualTo(busy.name());
    }

    @Test
    void drainingAnIdleServerIsDoneAtOnceAndAnUnknownOneIsRefused() throws Exception {
        Upstream upstream = start(a, b);

        CompletableFuture<Void> drained = upstream.drain(b.address(), Duration.ofSeconds(10));

        drained.get(5, TimeUnit.SECONDS);
        assertThat(drained).isCompletedWithValue(null);
        assertThat(sendNames(6)).containsOnly(Map.entry("a", 6));
        assertThatThrownBy(() -> upstream.drain("127.0.0.1:1", Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("127.0.0.1:1");
    }

    @Test
    void aRemovedServerGetsNoMoreRequestsAndItsRequestInFlightFinishes() throws Exception {
        Upstream upstream = start(a, b);
        assertThat(sendNames(4)).containsOnly(Map.entry("a", 2), Map.entry("b", 2));
        CompletableFuture<HttpResponse<String>> slow = sendAsync("/slow?ms=1500");
        awaitSlowRequest(5);
        TestBackend busy = a.inFlight() == 1 ? a : b;
        TestBackend other = busy == a ? b : a;
        int busyBefore = busy.requests();

        assertThat(upstream.remove(busy.address())).isTrue();

        assertThat(upstream.servers()).extracting(s -> s.config().address()).containsExactly(other.address());
        assertThat(sendNames(10)).containsOnly(Map.entry(other.name(), 10));
        HttpResponse<String> slowResponse = slow.get(15, TimeUnit.SECONDS);
        assertThat(slowResponse.statusCode()).isEqualTo(200);
        assertThat(slowResponse.body()).isEqualTo(busy.name());
        assertThat(sendNames(5)).as("after its last request").containsOnly(Map.entry(other.name(), 5));
        assertThat(busy.requests()).isEqualTo(busyBefore);
        assertThat(upstream.remove(busy.address())).as("removed twice").isFalse();
    }

    private Upstream start(TestBackend... servers) throws Exception {
        edge = new TestEdge(dir)
                .upstream(UpstreamConfig.of("app", List.of(servers).stream().map(TestBackend::serverConfig).toList()))
                .proxy("app", "app.test")
                .defaultHost("app.test")
                .start();
        return edge.server().upstream("app");
    }

    private static UpstreamServer server(Upstream upstream, TestBackend backend) {
        return upstream.servers().stream().filter(s -> s.config().address().equals(backend.address())).findFirst()
                .orElseThrow();
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(edge.httpUri(path)).header("Host", "app.test").timeout(Duration.ofSeconds(10))
                .build();
    }

    /** Sends {@code n} requests for {@code /name} one after the other; how many each backend answered. */
    private Map<String, Integer> sendNames(int n) throws Exception {
        Map<String, Integer> answered = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = client.send(request("/name"), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
            answered.merge(response.body(), 1, Integer::sum);
        }
        return answered;
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String path) {
        return client.sendAsync(request(path), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until a slow request is in flight, the {@code total}th request the backends have seen. */
    private void awaitSlowRequest(int total) throws InterruptedException {
        // A backend counts a request in flight before it counts it as seen: wait for both.
        Await.until("the slow request reaches a backend",
                () -> a.inFlight() + b.inFlight() == 1 && a.requests() + b.requests() == total);
    }
}
