package dev.webstack.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.config.LimitsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code close()} stops accepting at once, closes idle keep-alive connections at once, and lets a
 * response in flight finish within shutdown-grace.
 */
class GracefulShutdownTest {
    private static final String HOST = "www.a.test";
    private static final int SIZE = 32 << 20; // far more than the socket buffers hold

    @TempDir
    Path tmp;

    private TestEdge edge;
    private byte[] content;

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(root.resolve("index.html"), "home");
        content = new byte[SIZE];
        new Random(42).nextBytes(content);
        Files.write(root.resolve("big.bin"), content);
        LimitsConfig d = LimitsConfig.DEFAULT;
        LimitsConfig limits = new LimitsConfig(
                d.maxRequestLine(),
                d.maxHeaderSize(),
                d.maxBodySize(),
                d.headerTimeout(),
                d.idleTimeout(),
                d.sendTimeout(),
                d.maxConnections(),
                d.keepaliveRequests(),
                Duration.ofSeconds(30)); // the download has to fit in it on a slow machine
        edge = new TestEdge(tmp.resolve("data")).site(root, HOST).defaultHost(HOST).limits(limits).start();
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    @Test
    void downloadInFlightCompletesWhileNewConnectionsAreRefusedAndIdleOnesClosed() throws Exception {
        int port = edge.httpPort();
        try (Socket idle = new Socket("127.0.0.1", port);
                Socket download = new Socket()) {
            idle.setSoTimeout(10_000);
            assertThat(get(idle, "/")).startsWith("HTTP/1.1 200 ");

            download.setReceiveBufferSize(16 * 1024); // a slow reader: the server can't push it all ahead
            download.connect(new InetSocketAddress("127.0.0.1", port));
            download.setSoTimeout(10_000);
            InputStream in = download.getInputStream();
            download.getOutputStream().write(("GET /big.bin HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 ").contains("content-length: " + SIZE);
            byte[] body = new byte[SIZE];
            int read = in.readNBytes(body, 0, 64 * 1024);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(edge.server()::close);
            await("the server is draining", edge.server()::isDraining);

            // New connections are refused once the listeners are closed.
            await("new connections are refused", () -> refused(port));
            // The idle keep-alive connection is closed without an answer, while the download is still going.
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThat(closing).isNotDone();

            // The download completes, byte for byte, and then the connection closes.
            read += in.readNBytes(body, read, SIZE - read);
            assertThat(read).isEqualTo(SIZE);
            assertThat(body).isEqualTo(content);
            assertThat(in.read()).isEqualTo(-1);
            closing.get(30, TimeUnit.SECONDS);
        }
    }

    /** A download whose connection ends after it anyway (Connection: close, HTTP/1.0) is not cut either. */
    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1\r\nConnection: close", "HTTP/1.0"})
    void downloadOnAConnectionThatClosesAfterItCompletes(String versionAndHeader) throws Exception {
        try (Socket download = new Socket()) {
            download.setReceiveBufferSize(16 * 1024);
            download.connect(new InetSocketAddress("127.0.0.1", edge.httpPort()));
            download.setSoTimeout(10_000);
            InputStream in = download.getInputStream();
            download.getOutputStream().write(("GET /big.bin " + versionAndHeader + "\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(in)).contains("content-length: " + SIZE);
            byte[] body = new byte[SIZE];
            int read = in.readNBytes(body, 0, 64 * 1024);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(edge.server()::close);
            await("the server is draining", edge.server()::isDraining);
            await("new connections are refused", () -> refused(edge.httpPort()));

            read += in.readNBytes(body, read, SIZE - read);
            assertThat(read).isEqualTo(SIZE);
            assertThat(body).isEqualTo(content);
            assertThat(in.read()).isEqualTo(-1);
            closing.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void http2DownloadInFlightCompletes() throws Exception {
        // curl rather than the JDK client: JDK 17's client fails every open stream when a GOAWAY
        // arrives, where HTTP/2 lets streams up to the GOAWAY's last-stream-id finish.
        Process curl = new ProcessBuilder(
                        "curl", "-sSk", "--http2", "-o", "-", edge.httpsUri("/big.bin").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (InputStream in = curl.getInputStream()) {
            byte[] body = new byte[SIZE];
            // curl writes into a pipe this test reads slowly: while it isn't read, curl stops reading too.
            int read = in.readNBytes(body, 0, 64 * 1024);
            assertThat(read).isEqualTo(64 * 1024);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(edge.server()::close);
            await("the server is draining", edge.server()::isDraining);
            await("new connections are refused", () -> refused(edge.httpsPort()));
            assertThat(closing).isNotDone();

            read += in.readNBytes(body, read, SIZE - read);
            assertThat(read).isEqualTo(SIZE);
            assertThat(body).isEqualTo(content);
            assertThat(in.read()).isEqualTo(-1);
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(curl.exitValue()).isZero();
            closing.get(30, TimeUnit.SECONDS);
        } finally {
            curl.destroy();
        }
    }

    @Test
    void closeWithNothingInFlightClosesIdleConnectionsAndBothListeners() throws Exception {
        try (Socket idle = new Socket("127.0.0.1", edge.httpPort())) {
            idle.setSoTimeout(10_000);
            assertThat(get(idle, "/")).startsWith("HTTP/1.1 200 ");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(edge.server()::close);
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            closing.get(60, TimeUnit.SECONDS);
        }
        assertThat(refused(edge.httpPort())).isTrue();
        assertThat(refused(edge.httpsPort())).isTrue();
    }

    @Test
    void requestArrivingDuringDrainOnAKeepAliveConnectionIsAnsweredWithClose() throws Exception {
        int port = edge.httpPort();
        try (Socket busy = new Socket()) {
            busy.setReceiveBufferSize(16 * 1024);
            busy.connect(new InetSocketAddress("127.0.0.1", port));
            busy.setSoTimeout(10_000);
            InputStream in = busy.getInputStream();
            busy.getOutputStream().write(("GET /big.bin HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(in)).startsWith("HTTP/1.1 200 ").doesNotContain("connection: close");
            byte[] body = new byte[SIZE];
            int read = in.readNBytes(body, 0, 64 * 1024);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(edge.server()::close);
            await("the server is draining", edge.server()::isDraining);
            // The next request on the same connection, pipelined behind the response in flight.
            busy.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));

            read += in.readNBytes(body, read, SIZE - read);
            assertThat(read).isEqualTo(SIZE);
            assertThat(body).isEqualTo(content);
            String second = readHead(in);
            assertThat(second).startsWith("HTTP/1.1 200 ").contains("\r\nconnection: close");
            assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("home");
            assertThat(in.read()).isEqualTo(-1);
            closing.get(30, TimeUnit.SECONDS);
        }
    }

    private static String get(Socket s, String path) throws IOException {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        String head = readHead(in);
        int length = Integer.parseInt(head.replaceAll("(?s).*\r\ncontent-length: (\\d+).*", "$1"));
        in.readNBytes(length);
        return head;
    }

    /** The response head, lower-cased, up to and without the empty line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c == -1) {
                throw new IOException("closed in the response head: " + head);
            }
            head.append((char) c);
        }
        return head.substring(0, head.length() - 4).toLowerCase(Locale.ROOT).replace("http/1.1", "HTTP/1.1");
    }

    /** Whether a new connection to {@code port} is refused, or accepted and closed without an answer. */
    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false; // accepted and waiting for a request: still serving
        } catch (IOException e) {
            return true; // refused (ConnectException) or reset
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
