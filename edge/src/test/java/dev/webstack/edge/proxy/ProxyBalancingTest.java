package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.config.UpstreamConfig.Balance;
import dev.webstack.edge.config.UpstreamServerConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests through a running edge are shared among an upstream's three backends as its balancing says. */
class ProxyBalancingTest {
    @TempDir
    Path dir;

    private final List<TestBackend> backends = new ArrayList<>();
    private TestEdge edge;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startBackends() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            backends.add(new TestBackend(name));
        }
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        backends.forEach(TestBackend::close);
    }

    @Test
    void roundRobinSpreadsSequentialRequestsEvenly() throws Exception {
        start(UpstreamConfig.of("app", configs(1, 1, 1)));

        Map<String, Integer> answered = sendNames(30, null);

        assertThat(answered).containsOnly(Map.entry("a", 10), Map.entry("b", 10), Map.entry("c", 10));
        assertThat(requestsPerBackend()).containsExactly(10, 10, 10);
    }

    @Test
    void weightsThreeToOneGiveThreeRequestsInFour() throws Exception {
        start(UpstreamConfig.of("app", configs(3, 1)));

        Map<String, Integer> answered = sendNames(40, null);

        assertThat(answered).containsOnly(Map.entry("a", 30), Map.entry("b", 10));
        assertThat(backends.get(2).requests()).isZero();
    }

    @Test
    void leastConnectionsSendsRequestsAwayFromTheBackendBusyWithASlowOne() throws Exception {
        start(UpstreamConfig.of("app", configs(1, 1, 1)).withBalance(Balance.LEAST_CONNECTIONS, Optional.empty()));

        CompletableFuture<HttpResponse<String>> slow = sendAsync("/slow?ms=2000", null);
        Await.until("the slow request reaches a backend", () -> totalInFlight() == 1 && totalRequests() == 1);
        TestBackend busy = backends.stream().filter(b -> b.inFlight() == 1).findFirst().orElseThrow();

        Map<String, Integer> answered = sendNames(20, null);
        assertThat(busy.inFlight()).as("the slow request still runs after the others").isEqualTo(1);

        assertThat(answered).doesNotContainKey(busy.name());
        assertThat(answered.keySet()).as("the two idle backends share the rest").hasSize(2);
        assertThat(busy.requests()).isEqualTo(1);
        HttpResponse<String> slowResponse = slow.get(15, TimeUnit.SECONDS);
        assertThat(slowResponse.statusCode()).isEqualTo(200);
        assertThat(slowResponse.body()).isEqualTo(busy.name());
    }

    @Test
    void clientHashSendsEveryRequestOfOneClientToOneBackend() throws Exception {
        start(UpstreamConfig.of("app", configs(1, 1, 1)).withBalance(Balance.CLIENT_HASH, Optional.empty()));

        Map<String, Integer> answered = sendNames(30, null);

        assertThat(answered).hasSize(1).containsValue(30);
        assertThat(requestsPerBackend()).containsExactlyInAnyOrder(30, 0, 0);
    }

    @Test
    void cookieHashSendsOneCookieValueToOneBackendAndSpreadsValues() throws Exception {
        start(UpstreamConfig.of("app", configs(1, 1, 1)).withBalance(Balance.COOKIE_HASH, Optional.of("sid")));

        Set<String> reached = new HashSet<>();
        for (int session = 0; session < 12; session++) {
            String cookie = "theme=dark; sid=session-" + session;
            Map<String, Integer> answered = sendNames(5, cookie);
            assertThat(answered).as(cookie).hasSize(1).containsValue(5);
            reached.addAll(answered.keySet());
        }

        assertThat(reached).as("backends reached by 12 sessions").hasSizeGreaterThan(1);
    }

    @Test
    void cookieHashWithoutTheCookieFallsBackToRoundRobin() throws Exception {
        start(UpstreamConfig.of("app", configs(1, 1, 1)).withBalance(Balance.COOKIE_HASH, Optional.of("sid")));

        Map<String, Integer> answered = sendNames(30, "other=1");

        assertThat(answered).containsOnly(Map.entry("a", 10), Map.entry("b", 10), Map.entry("c", 10));
    }

    @Test
    void aBackendAtItsMaxConnectionsIsSkippedWhileBusy() throws Exception {
        TestBackend limited = backends.get(0);
        start(UpstreamConfig.of("app", List.of(
                new UpstreamServerConfig("127.0.0.1", limited.port(), 1, 1),
                backends.get(1).serverConfig())));

        // Slow requests until one occupies the limited backend (round-robin: the first or the second).
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 3 && limited.inFlight() == 0; i++) {
            slow.add(sendAsync("/slow?ms=2000", null));
            int sent = slow.size();
            // A backend counts a request in flight before it counts it as seen: wait for both.
            Await.until("slow request " + sent + " reaches a backend",
                    () -> totalInFlight() == sent && totalRequests() == sent);
        }
        assertThat(limited.inFlight()).isEqualTo(1);
        int limitedBefore = limited.requests();

        Map<String, Integer> whileBusy = sendNames(10, null);
        assertThat(limited.inFlight()).as("the slow request still runs after the others").isEqualTo(1);

        assertThat(whileBusy).containsOnly(Map.entry("b", 10));
        assertThat(limited.requests()).isEqualTo(limitedBefore);

        for (CompletableFuture<HttpResponse<String>> response : slow) {
            assertThat(response.get(15, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        Map<String, Integer> afterwards = sendNames(10, null);
        assertThat(afterwards).as("once free, it takes requests again").containsKeys("a", "b");
    }

    private void start(UpstreamConfig upstream) throws Exception {
        edge = new TestEdge(dir).upstream(upstream).proxy("app", "app.test").start();
    }

    private List<UpstreamServerConfig> configs(int... weights) {
        List<UpstreamServerConfig> servers = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            servers.add(new UpstreamServerConfig("127.0.0.1", backends.get(i).port(), weights[i], 0));
        }
        return servers;
    }

    private HttpRequest request(String path, String cookie) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(edge.httpUri(path)).header("Host", "app.test")
                .timeout(Duration.ofSeconds(10));
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        return builder.build();
    }

    /** Sends {@code n} requests for {@code /name} one after the other; how many each backend answered. */
    private Map<String, Integer> sendNames(int n, String cookie) throws Exception {
        Map<String, Integer> answered = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = client.send(request("/name", cookie), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(response.headers().firstValue("x-backend")).hasValue(response.body());
            answered.merge(response.body(), 1, Integer::sum);
        }
        return answered;
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String path, String cookie) {
        return client.sendAsync(request(path, cookie), HttpResponse.BodyHandlers.ofString());
    }

    private List<Integer> requestsPerBackend() {
        return backends.stream().map(TestBackend::requests).toList();
    }

    private int totalRequests() {
        return backends.stream().mapToInt(TestBackend::requests).sum();
    }

    private int totalInFlight() {
        return backends.stream().mapToInt(TestBackend::inFlight).sum();
    }
}
