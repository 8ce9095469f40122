package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.HealthCheckConfig;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.config.UpstreamServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a client sees when upstream servers fail: refused connections are retried elsewhere and the server
 * ejected; no server left is 502 or 503; silence is 504; garbage and contradictory heads are 502, never passed
 * on; a body cut off upstream is cut off for the client too; only requests that never reached a server, or
 * idempotent ones the server dropped unanswered, are retried.
 */
class ProxyFailureTest {
    private static final HealthCheckConfig NO_PASSIVE_CHECKS = HealthCheckConfig.DEFAULT.withPassive(0,
            Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private TestEdge edge;

    @AfterEach
    void stop() throws Exception {
        while (!resources.isEmpty()) {
            resources.pop().close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    private void edge(UpstreamConfig upstream) throws Exception {
        edge = closeLater(new TestEdge(dir).upstream(upstream).proxy("app", "app.test").defaultHost("app.test"))
                .start();
    }

    private static UpstreamConfig pool(UpstreamServerConfig... servers) {
        return UpstreamConfig.of("app", List.of(servers));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(edge.httpUri(path)).header("Host", "app.test").timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String errorLog() throws IOException {
        Path log = dir.resolve("logs/error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** A port on 127.0.0.1 with nothing listening: connecting to it is refused. */
    private static int refusingPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static UpstreamServerConfig refusing() throws IOException {
        return UpstreamServerConfig.of("127.0.0.1", refusingPort());
    }

    // ------------------------------------------------------------ servers that cannot be reached

    @Test
    void aRefusingServerBesideAWorkingOneCostsNoRequestAndIsEjected() throws Exception {
        int refused = refusingPort();
        TestBackend a = closeLater(new TestBackend("a"));
        edge(pool(UpstreamServerConfig.of("127.0.0.1", refused), a.serverConfig()));

        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = get("/name");
            assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(response.body()).isEqualTo("a");
        }
        assertThat(errorLog()).contains("server 127.0.0.1:" + refused + " ejected");

        // The port comes to life while the server is still ejected (10 s by default): it is not tried.
        RawBackend revived = closeLater(new RawBackend(refused, c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nrevived");
        }));
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = get("/name");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("a");
        }
        assertThat(revived.connections()).isZero();
        assertThat(a.requests()).isEqualTo(20);
    }

    @Test
    void aRequestOfAnyMethodIsRetriedWithItsBodyWhenItsServerRefuses() throws Exception {
        TestBackend a = closeLater(new TestBackend("a"));
        edge(pool(refusing(), a.serverConfig()).withHealth(NO_PASSIVE_CHECKS));
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = client.send(request("/echo").POST(
                    HttpRequest.BodyPublishers.ofString("payload " + i)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(response.body()).isEqualTo("payload " + i);
        }
        assertThat(a.requests()).isEqualTo(4);
    }

    @Test
    void everyServerRefusingIs502() throws Exception {
        edge(pool(refusing(), refusing()).withHealth(NO_PASSIVE_CHECKS));
        for (int i = 0; i < 3; i++) {
            assertThat(get("/name").statusCode()).as("request %d", i).isEqualTo(502);
        }
    }

    @Test
    void whenEveryServerIsEjectedTheAnswerIs503() throws Exception {
        edge(pool(refusing(), refusing()));
        assertThat(get("/name").statusCode()).isEqualTo(502); // each refused once, each ejected
        assertThat(get("/name").statusCode()).isEqualTo(503);
    }

    @Test
    void whenTheOnlyServerIsDrainingTheAnswerIs503() throws Exception {
        TestBackend a = closeLater(new TestBackend("a"));
        edge(pool(a.serverConfig()));
        assertThat(get("/name").statusCode()).isEqualTo(200);
        edge.server().upstream("app").drain(a.address(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        assertThat(get("/name").statusCode()).isEqualTo(503);
        assertThat(a.requests()).isEqualTo(1);
    }

    @Test
    void anUpstreamThatNeverAnswersIs504AfterTheResponseTimeout() throws Exception {
        RawBackend silent = closeLater(new RawBackend(c -> {
            c.readHead();
            c.readToEnd();
        }));
        edge(pool(silent.serverConfig()).withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300),
                Duration.ofSeconds(60)));
        HttpResponse<String> response = get("/name");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(silent.count("GET /name HTTP/1.1")).isEqualTo(1);
    }

    @Test
    void anUpstreamThatCannotBeConnectedToInTimeIs504() throws Exception {
        // A listener whose accept queue is full and never drained: Linux drops further SYNs, so a connect
        // neither succeeds nor is refused until it times out.
        ServerSocket full = closeLater(new ServerSocket());
        full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
        boolean filled = false;
        for (int i = 0; i < 16 && !filled; i++) {
            Socket socket = closeLater(new Socket());
            try {
                socket.connect(full.getLocalSocketAddress(), 300);
            } catch (SocketTimeoutException e) {
                filled = true;
            }
        }
        // Linux (CI's kernel) lets a loopback accept queue fill up; if that ever stops, this fails rather than skips.
        assertThat(filled).as("a connect to the full listener timed out").isTrue();
        edge(pool(UpstreamServerConfig.of("127.0.0.1", full.getLocalPort())).withTimeouts(Duration.ofMillis(300),
                Duration.ofSeconds(60), Duration.ofSeconds(60)));
        assertThat(get("/name").statusCode()).isEqualTo(504);
    }

    @Test
    void anUpstreamThatResetsTheConnectionIs502() throws Exception {
        RawBackend resetting = closeLater(new RawBackend(c -> {
            c.readHead();
            c.socket().setSoLinger(true, 0); // close with RST
        }));
        edge(pool(resetting.serverConfig()));
        HttpResponse<String> response = client.send(request("/form").POST(HttpRequest.BodyPublishers.ofString("a=1"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(resetting.count("POST /form HTTP/1.1")).isEqualTo(1);
    }

    @Test
    void aResponseHeadGoesOnBeforeASlowBodyAndABodilessRequestGoesUpAsItsHeadAlone() throws Exception {
        CountDownLatch headSeen = new CountDownLatch(1);
        RawBackend slow = closeLater(new RawBackend(c -> {
            c.readHead();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
            // The body only once the client has the head: an edge that held the head for its body would never
            // pass it on, and the client would read "late".
            c.write(headSeen.await(10, TimeUnit.SECONDS) ? "body" : "late");
            c.readToEnd();
        }));
        edge(pool(slow.serverConfig()));
        HttpResponse<InputStream> response = client.send(request("/slow").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        headSeen.countDown();
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body");
        }
        // The GET went up as one head and nothing after it (no body, no chunk terminator).
        String received = slow.received();
        assertThat(received).startsWith("GET /slow HTTP/1.1\r\n").endsWith("\r\n\r\n");
        assertThat(received.indexOf("\r\n\r\n")).isEqualTo(received.length() - 4);
    }

    // ------------------------------------------------------------ upstream answers that must not pass

    static Stream<Arguments> badResponses() {
        return Stream.of(
                Arguments.of("garbage", "HELLO\r\n\r\n"),
                Arguments.of("Content-Length beside chunked",
                        "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "6\r\nSECRET\r\n0\r\n\r\n"),
                Arguments.of("chunked beside Content-Length",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n"
                                + "6\r\nSECRET\r\n0\r\n\r\n"),
                Arguments.of("two different Content-Lengths",
                        "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nContent-Length: 7\r\n\r\nSECRET!"),
                Arguments.of("HTTP/1.0 with Content-Length beside chunked",
                        "HTTP/1.0 200 OK\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "6\r\nSECRET\r\n0\r\n\r\n"),
                Arguments.of("a transfer coding other than chunked",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n6\r\nSECRET\r\n0\r\n\r\n"),
                Arguments.of("two equal Content-Lengths",
                        "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nContent-Length: 6\r\n\r\nSECRET"),
                Arguments.of("a Content-Length that is not a number",
                        "HTTP/1.1 200 OK\r\nContent-Length: 6x\r\n\r\nSECRET"),
                Arguments.of("a folded header line",
                        "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 6\r\n\r\nSECRET"),
                Arguments.of("a bare CR in a header line",
                        "HTTP/1.1 200 OK\r\nX-A: a\rContent-Length: 0\r\nContent-Length: 6\r\n\r\nSECRET"),
                Arguments.of("a NUL in a header value",
                        "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\nContent-Length: 6\r\n\r\nSECRET"),
                Arguments.of("space before the colon",
                        "HTTP/1.1 200 OK\r\nContent-Length : 6\r\n\r\nSECRET"),
                Arguments.of("a header line without a colon",
                        "HTTP/1.1 200 OK\r\nContent-Length 6\r\n\r\nSECRET"),
                Arguments.of("a status code of two digits", "HTTP/1.1 20 OK\r\nContent-Length: 6\r\n\r\nSECRET"),
                Arguments.of("a version other than HTTP/1.x",
                        "HTTP/2.0 200 OK\r\nContent-Length: 6\r\n\r\nSECRET"),
                Arguments.of("a head over the header-size limit",
                        "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(20_000) + "\r\nContent-Length: 6\r\n\r\nSECRET"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badResponses")
    void aMalformedOrContradictoryUpstreamAnswerIs502AndNotPassedOn(String name, String answer) throws Exception {
        RawBackend bad = closeLater(new RawBackend(c -> {
            c.readHead();
            c.write(answer);
            c.readToEnd(); // the edge, not the end of the connection, must decide the answer is bad
        }));
        edge(pool(bad.serverConfig()));
        HttpResponse<String> response = get("/name");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).doesNotContain("SECRET", "HELLO");
        assertThat(response.headers().map()).doesNotContainKey("x-big");
        assertThat(bad.count("GET /name HTTP/1.1")).isEqualTo(1);
    }

    @Test
    void aBodyFramedByTheEndOfTheUpstreamConnectionIsChunkedForTheClientWhoseConnectionLivesOn() throws Exception {
        RawBackend close = closeLater(new RawBackend(c -> {
            c.readHead();
            c.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
        }));
        edge(pool(close.serverConfig()));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = get("/x");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("until the end");
            assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
        }
    }

    // ------------------------------------------------------------ bodies cut off upstream

    @Test
    void aFixedLengthBodyCutOffUpstreamIsCutOffForTheClient() throws Exception {
        RawBackend cut = closeLater(new RawBackend(c -> {
            c.readHead();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n0123456789");
        }));
        edge(pool(cut.serverConfig()).withHealth(NO_PASSIVE_CHECKS));

        assertThatThrownBy(() -> client.send(request("/cut").build(), HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOf(IOException.class);

        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            RawHttpClient.Response response = raw.send("GET /cut HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-length")).isEqualTo("100000");
            assertThat(response.bodyText()).isEqualTo("0123456789");
            assertThat(raw.isClosedByServer()).isTrue();
        }
    }

    @Test
    void aChunkedBodyCutOffUpstreamIsCutOffForTheClient() throws Exception {
        RawBackend cut = closeLater(new RawBackend(c -> {
            c.readHead();
            c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n");
        }));
        edge(pool(cut.serverConfig()).withHealth(NO_PASSIVE_CHECKS));

        assertThatThrownBy(() -> client.send(request("/cut").build(), HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOf(IOException.class);

        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            // No Content-Length: the raw client reads to the end of the connection, chunk framing included.
            RawHttpClient.Response response = raw.send("GET /cut HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(response.bodyText()).contains("0123456789").doesNotContain("\r\n0\r\n");
        }
    }

    @Test
    void aHeadTheConnectionEndsInTheMiddleOfIs502() throws Exception {
        RawBackend cut = closeLater(new RawBackend(c -> {
            c.readHead();
            c.write("HTTP/1.1 200 OK\r\nContent-Le");
        }));
        edge(pool(cut.serverConfig()).withHealth(NO_PASSIVE_CHECKS));
        HttpResponse<String> response = get("/half");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(cut.count("GET /half HTTP/1.1")).isEqualTo(1);
        assertThat(errorLog()).contains("the connection closed in the middle of the head");
    }

    @Test
    void aChunkedBodyWithAnInvalidChunkSizeIsCutOffForTheClient() throws Exception {
        // The bad size is sent only once the client has the head and the first chunk: per connection, a gate.
        List<CountDownLatch> gates = List.of(new CountDownLatch(1), new CountDownLatch(1));
        AtomicInteger served = new AtomicInteger();
        RawBackend bad = closeLater(new RawBackend(c -> {
            CountDownLatch gate = gates.get(served.getAndIncrement());
            c.readHead();
            c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            assertThat(gate.await(10, TimeUnit.SECONDS)).as("the client got the first chunk").isTrue();
            c.write("zz\r\nSECRET\r\n0\r\n\r\n");
            c.readToEnd();
        }));
        edge(pool(bad.serverConfig()).withHealth(NO_PASSIVE_CHECKS));

        HttpResponse.BodyHandler<String> headThenBody = info -> {
            gates.get(0).countDown();
            return HttpResponse.BodyHandlers.ofString().apply(info);
        };
        assertThatThrownBy(() -> client.send(request("/chunks").build(), headThenBody))
                .isInstanceOf(IOException.class);
        try (Socket raw = new Socket("127.0.0.1", edge.httpPort())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write("GET /chunks HTTP/1.1\r\nHost: app.test\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while (!seen.toString(StandardCharsets.ISO_8859_1).contains("hello")
                    && (n = raw.getInputStream().read(buffer)) > 0) {
                seen.write(buffer, 0, n);
            }
            gates.get(1).countDown();
            seen.write(raw.getInputStream().readAllBytes()); // to the end: the edge closes the connection
            String response = seen.toString(StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200 ");
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            assertThat(body).contains("hello").doesNotContain("SECRET").doesNotContain("\r\n0\r\n");
        }
        assertThat(errorLog()).contains("sent a malformed response: an invalid chunk size");
    }

    // ------------------------------------------------------------ what is retried and what is not

    /** Reads a whole request, then closes without a response byte. */
    private static final RawBackend.Behaviour CLOSE_UNANSWERED = c -> c.readRequest();

    @Test
    void aPostTheUpstreamDroppedUnansweredIs502AndNotRetried() throws Exception {
        RawBackend dropper = closeLater(new RawBackend(CLOSE_UNANSWERED));
        TestBackend b = closeLater(new TestBackend("b"));
        // A short idle timeout: should a POST wrongly go to b without its body, /echo would wait for it.
        edge(pool(dropper.serverConfig(), b.serverConfig()).withHealth(NO_PASSIVE_CHECKS)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(3)));

        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try {
                HttpResponse<String> response = client.send(request("/echo")
                        .POST(HttpRequest.BodyPublishers.ofString("payload " + i)).build(),
                        HttpResponse.BodyHandlers.ofString());
                boolean echoed = response.statusCode() != 200 || response.body().equals("payload " + i);
                outcomes.add(response.statusCode() + (echoed ? "" : " with body " + response.body()));
            } catch (IOException e) {
                outcomes.add(e.toString());
            }
        }
        // Round-robin sends every other POST to the dropper; each of those reached it once and went nowhere else.
        assertThat(outcomes).containsOnly("200", "502").contains("502");
        assertThat(dropper.count("POST /echo HTTP/1.1")).as("POSTs the dropper received, outcomes %s", outcomes)
                .isEqualTo(Collections.frequency(outcomes, "502"));
        assertThat(b.requests()).isEqualTo(Collections.frequency(outcomes, "200"));
    }

    @Test
    void aPutWithABodyTheUpstreamDroppedUnansweredIsRetriedWithItsWholeBody() throws Exception {
        RawBackend dropper = closeLater(new RawBackend(CLOSE_UNANSWERED));
        TestBackend b = closeLater(new TestBackend("b"));
        edge(pool(dropper.serverConfig(), b.serverConfig()).withHealth(NO_PASSIVE_CHECKS));

        for (int i = 0; i < 4; i++) {
            String body = "{\"title\": \"put " + i + "\"}" + "x".repeat(20_000);
            HttpResponse<String> response = client.send(request("/echo")
                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("PUT %d", i).isEqualTo(200);
            assertThat(response.body()).as("the body b received, whole").isEqualTo(body);
        }
        assertThat(dropper.count("PUT /echo HTTP/1.1")).as("PUTs that reached the dropper first").isPositive();
        assertThat(b.requests()).isEqualTo(4);
    }

    @Test
    void aPutWhoseBodyIsTooBigToKeepIsNotSentAgainOnceItReachedAServer() throws Exception {
        RawBackend dropper = closeLater(new RawBackend(CLOSE_UNANSWERED));
        TestBackend b = closeLater(new TestBackend("b"));
        edge(pool(dropper.serverConfig(), b.serverConfig()).withHealth(NO_PASSIVE_CHECKS)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(3)));
        String big = "y".repeat(ProxyExchange.RETRY_BODY_LIMIT + 1);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(client.send(request("/echo").PUT(HttpRequest.BodyPublishers.ofString(big)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        assertThat(statuses).containsOnly(200, 502).contains(502);
        assertThat(dropper.count("PUT /echo HTTP/1.1")).isEqualTo(Collections.frequency(statuses, 502));
        assertThat(b.requests()).isEqualTo(Collections.frequency(statuses, 200));
    }

    @Test
    void aGetTheUpstreamDroppedUnansweredIsRetriedOnAnotherServer() throws Exception {
        RawBackend dropper = closeLater(new RawBackend(CLOSE_UNANSWERED));
        TestBackend b = closeLater(new TestBackend("b"));
        edge(pool(dropper.serverConfig(), b.serverConfig()).withHealth(NO_PASSIVE_CHECKS));

        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = get("/name");
            assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(response.body()).isEqualTo("b");
        }
        assertThat(dropper.count("GET /name HTTP/1.1")).isPositive();
        assertThat(b.requests()).isEqualTo(4);
    }

    @Test
    void aBackendKilledMidRunCostsNoRequest() throws Exception {
        TestBackend a = closeLater(new TestBackend("a"));
        TestBackend b = closeLater(new TestBackend("b"));
        edge(pool(a.serverConfig(), b.serverConfig()));

        int threads = 4;
        int perThread = 200;
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger bServedBeforeKill = new AtomicInteger(-1);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        try {
                            HttpResponse<String> response = get("/name");
                            if (response.statusCode() != 200) {
                                failures.add("status " + response.statusCode() + ": " + response.body());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                        if (answered.incrementAndGet() == 100) {
                            bServedBeforeKill.set(b.requests());
                            b.close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(failures).isEmpty();
        assertThat(answered.get()).isEqualTo(threads * perThread);
        assertThat(bServedBeforeKill.get()).as("b served requests before it was killed").isPositive();
        assertThat(a.requests() + b.requests()).isEqualTo(threads * perThread);
    }
}
