package dev.webstack.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.RawHttpClient.Response;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.LimitsConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow or silent client costs a timer, not other clients' time: an incomplete head gets 408 after
 * header-timeout, a silent connection and an idle keep-alive connection are closed, and a client
 * that drips its head byte by byte is cut off; meanwhile others are served.
 */
class TimeoutTest {
    private static final String HOST = "www.a.test";
    private static final Duration HEADER_TIMEOUT = Duration.ofMillis(300);
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path tmp;

    private TestEdge edge;
    private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws Exception {
        start(IDLE_TIMEOUT);
    }

    private void start(Duration idleTimeout) throws Exception {
        if (edge != null) {
            edge.close();
        }
        Path root = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(root.resolve("index.html"), "home");
        LimitsConfig d = LimitsConfig.DEFAULT;
        LimitsConfig limits = new LimitsConfig(
                d.maxRequestLine(),
                d.maxHeaderSize(),
                d.maxBodySize(),
                HEADER_TIMEOUT,
                idleTimeout,
                d.sendTimeout(),
                d.maxConnections(),
                d.keepaliveRequests(),
                d.shutdownGrace());
        edge = new TestEdge(tmp.resolve("data")).site(root, HOST).limits(limits).start();
    }

    @AfterEach
    void stop() {
        drip.shutdownNow();
        edge.close();
    }

    @Test
    void halfAHeadGets408AndCloseWhileOthersAreServed() throws Exception {
        try (RawHttpClient slow = new RawHttpClient(edge.httpPort())) {
            slow.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-Partial: ");
            CompletableFuture<Response> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return slow.read();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Until the slow client is answered, another client's requests go through.
            HttpClient other = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(edge.httpUri("/")).header("Host", HOST).build();
            int served = 0;
            do {
                HttpResponse<String> r = other.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("home");
                served++;
            } while (!answer.isDone() && served < 100_000);
            assertThat(served).isPositive();

            Response r = answer.get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(slow.isClosedByServer()).isTrue();
        }
        assertStillServes();
    }

    @Test
    void silentConnectionIsClosed() throws Exception {
        try (RawHttpClient silent = new RawHttpClient(edge.httpPort())) {
            Response r = silent.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(silent.isClosedByServer()).isTrue();
        }
        assertStillServes();
    }

    @Test
    void idleKeepAliveConnectionIsClosedQuietly() throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response first = c.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("connection")).isNull();
            // No 408 to a client that asked for nothing: the next thing read is the end of the stream.
            assertThat(c.isClosedByServer()).isTrue();
        }
        assertStillServes();
    }

    @Test
    void idleKeepAliveConnectionOutlivesHeaderTimeout() throws Exception {
        start(Duration.ofSeconds(60));
        try (RawHttpClient idle = new RawHttpClient(edge.httpPort())) {
            assertThat(idle.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read().status()).isEqualTo(200);
            // A silent connection opened after that answer gets its 408 once header-timeout has passed ...
            try (RawHttpClient silent = new RawHttpClient(edge.httpPort())) {
                assertThat(silent.read().status()).isEqualTo(408);
            }
            // ... by then the idle connection, waiting for its next request, must not have had one.
            Response next = idle.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("home");
        }
    }

    @Test
    void keepAliveConnectionInUseStaysOpen() throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            // Requests back to back: each resets the idle clock.
            for (int i = 0; i < 20; i++) {
                assertThat(c.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void dripFeedingClientIsCutOff() throws Exception {
        byte[] request = ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nUser-Agent: slowloris\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        // One byte every 100 ms: the whole head would take several header timeouts.
        assertThat(request.length * 100L).isGreaterThan(3 * HEADER_TIMEOUT.toMillis());
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            AtomicInteger sent = new AtomicInteger();
            ScheduledFuture<?> dripping = drip.scheduleAtFixedRate(() -> {
                int i = sent.get();
                if (i >= request.length) {
                    return;
                }
                try {
                    c.send(new byte[] {request[i]});
                    sent.incrementAndGet();
                } catch (IOException closed) {
                    throw new IllegalStateException(closed); // ends the schedule
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            try {
                Response r = c.read();
                assertThat(r.status()).isEqualTo(408); // had the whole head arrived, the answer would be 200
                assertThat(c.isClosedByServer()).isTrue();
            } finally {
                dripping.cancel(false);
            }
        }
        assertStillServes();
    }

    @Test
    void dripFeedingAfterAKeepAliveRequestIsCutOffToo() throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            assertThat(c.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read().status()).isEqualTo(200);
            byte[] next = ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            AtomicInteger sent = new AtomicInteger();
            ScheduledFuture<?> dripping = drip.scheduleAtFixedRate(() -> {
                int i = sent.get();
                if (i >= next.length) {
                    return;
                }
                try {
                    c.send(new byte[] {next[i]});
                    sent.incrementAndGet();
                } catch (IOException closed) {
                    throw new IllegalStateException(closed);
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            try {
                // Each byte arrives well within idle-timeout; the head as a whole does not make header-timeout.
                assertThat(c.read().status()).isEqualTo(408);
                assertThat(c.isClosedByServer()).isTrue();
            } finally {
                dripping.cancel(false);
            }
        }
        assertStillServes();
    }

    private void assertStillServes() throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("home");
        }
    }
}
