package dev.webstack.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.RawHttpClient.Response;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.LimitsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * max-connections caps open client connections over all listeners: one more is closed at once
 * without an answer (nginx out of worker_connections), and a freed slot is usable again.
 */
class MaxConnectionsTest {
    private static final String HOST = "www.a.test";
    private static final int MAX = 4;

    @TempDir
    Path tmp;

    private TestEdge edge;
    private final List<RawHttpClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(root.resolve("index.html"), "home");
        LimitsConfig d = LimitsConfig.DEFAULT;
        LimitsConfig limits = new LimitsConfig(
                d.maxRequestLine(),
                d.maxHeaderSize(),
                d.maxBodySize(),
                d.headerTimeout(),
                d.idleTimeout(),
                d.sendTimeout(),
                MAX,
                d.keepaliveRequests(),
                d.shutdownGrace());
        edge = new TestEdge(tmp.resolve("data")).site(root, HOST).limits(limits).start();
    }

    @AfterEach
    void stop() throws IOException {
        for (RawHttpClient c : clients) {
            c.close();
        }
        edge.close();
    }

    @Test
    void fifthConnectionIsClosedUntilASlotIsFree() throws Exception {
        for (int i = 0; i < MAX; i++) {
            RawHttpClient c = open();
            assertThat(get(c).status()).isEqualTo(200);
        }

        try (RawHttpClient fifth = new RawHttpClient(edge.httpPort())) {
            // closed without a byte of answer
            assertThat(fifth.isClosedByServer()).isTrue();
        }
        // the four still work, each more than once
        for (RawHttpClient c : clients) {
            assertThat(get(c).status()).isEqualTo(200);
        }

        clients.remove(0).close();
        // The server sees the close a moment later: until then a new connection may still be refused.
        RawHttpClient next = awaitServedConnection();
        assertThat(get(next).status()).isEqualTo(200);
        try (RawHttpClient sixth = new RawHttpClient(edge.httpPort())) {
            assertThat(sixth.isClosedByServer()).isTrue();
        }
    }

    @Test
    void limitCountsBothListeners() throws Exception {
        for (int i = 0; i < MAX - 1; i++) {
            assertThat(get(open()).status()).isEqualTo(200);
        }
        // the fourth over TLS, through curl, fits ...
        assertThat(curlHttps()).isEqualTo("200");
        // ... as a fourth plain connection does, and then a TLS handshake finds no room
        assertThat(get(open()).status()).isEqualTo(200);
        assertThat(curlHttps()).isEqualTo("000");
    }

    @Test
    void refusedConnectionsDoNotUseUpSlots() throws Exception {
        for (int i = 0; i < MAX; i++) {
            assertThat(get(open()).status()).isEqualTo(200);
        }
        for (int i = 0; i < 20; i++) {
            try (RawHttpClient refused = new RawHttpClient(edge.httpPort())) {
                assertThat(refused.isClosedByServer()).isTrue();
            }
        }
        for (RawHttpClient c : clients) {
            c.close();
        }
        clients.clear();
        awaitServedConnection();
        for (int i = 1; i < MAX; i++) {
            assertThat(get(open()).status()).isEqualTo(200);
        }
    }

    private String curlHttps() throws Exception {
        Process curl = new ProcessBuilder(
                        "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}",
                        "-H", "Host: " + HOST, edge.httpsUri("/").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(curl.getInputStream().readAllBytes());
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private RawHttpClient open() throws IOException {
        RawHttpClient c = new RawHttpClient(edge.httpPort());
        clients.add(c);
        return c;
    }

    private static Response get(RawHttpClient c) throws IOException {
        return c.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
    }

    /** Opens connections until one is served (bounded): a slot frees once the server has seen a close. */
    private RawHttpClient awaitServedConnection() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            RawHttpClient c = new RawHttpClient(edge.httpPort());
            try {
                if (get(c).status() == 200) {
                    clients.add(c);
                    return c;
                }
            } catch (IOException refused) {
                // closed: the slot is not free yet
            }
            c.close();
            assertThat(System.nanoTime()).as("a slot frees within 10 s").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
