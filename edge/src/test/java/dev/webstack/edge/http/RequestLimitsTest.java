package dev.webstack.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.RawHttpClient.Response;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.LimitsConfig;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a client may send: size limits (414, 431, 413), and every ambiguous or malformed message a
 * request-smuggling attack relies on, refused with an error and a closed connection (RFC 9112
 * §6.3, §11.2). After each, the server still serves a fresh connection.
 */
class RequestLimitsTest {
    private static final int MAX_LINE = 1024;
    private static final int MAX_HEADERS = 4096;
    private static final int MAX_BODY = 2048;
    private static final String HOST = "www.a.test";

    @TempDir
    static Path tmp;

    private static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(root.resolve("index.html"), "home");
        Files.write(root.resolve("big"), new byte[4 << 20]); // more than the socket buffers take at once
        LimitsConfig d = LimitsConfig.DEFAULT;
        LimitsConfig limits = new LimitsConfig(
                MAX_LINE,
                MAX_HEADERS,
                MAX_BODY,
                d.headerTimeout(),
                d.idleTimeout(),
                d.sendTimeout(),
                d.maxConnections(),
                d.keepaliveRequests(),
                d.shutdownGrace());
        edge = new TestEdge(tmp.resolve("data")).site(root, HOST).limits(limits).start();
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    static Stream<Arguments> tooLarge() {
        return Stream.of(
                Arguments.of("request line over max-request-line", 414,
                        "GET /" + "a".repeat(MAX_LINE) + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n"),
                Arguments.of("one header over max-header-size", 431,
                        "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-Big: " + "b".repeat(MAX_HEADERS) + "\r\n\r\n"),
                Arguments.of("many headers over max-header-size", 431,
                        "GET / HTTP/1.1\r\nHost: " + HOST + "\r\n" + "X-Many: 0123456789012345678901234567890123456789\r\n"
                                .repeat(MAX_HEADERS / 40) + "\r\n"),
                Arguments.of("Content-Length over max-body-size", 413,
                        "POST / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n"),
                Arguments.of("huge Content-Length", 413,
                        "POST / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 99999999999999\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("tooLarge")
    void tooLargeIsRefusedAndCloses(String what, int status, String request) throws Exception {
        assertRefused(request, status);
    }

    @Test
    void requestWithinTheLimitsIsServed() throws Exception {
        String longButFine = "GET /?" + "a".repeat(MAX_LINE - 100) + " HTTP/1.1\r\nHost: " + HOST
                + "\r\nX-Big: " + "b".repeat(MAX_HEADERS - 200) + "\r\n\r\n";
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send(longButFine).read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("home");
        }
    }

    @Test
    void chunkedBodyGrowingPastTheLimitIsCutOff() throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            StringBuilder request = new StringBuilder(
                    "POST / HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "x".repeat(512);
            for (int i = 0; i < 4 * MAX_BODY / chunk.length(); i++) {
                request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
            }
            try {
                c.send(request.toString());
            } catch (IOException reset) {
                // the server may close before all of it is written
            }
            // Whatever was answered before the body ran over, nothing keeps the connection alive.
            assertThat(closedAfterResponses(c)).isTrue();
        }
        assertStillServes();
    }

    /**
     * Each of these can be framed two ways by two servers in a chain; the edge must refuse it rather
     * than pick one. The expected status is the one the edge sends.
     */
    static Stream<Arguments> smuggling() {
        String h = "Host: " + HOST + "\r\n";
        return Stream.of(
                Arguments.of("Content-Length and Transfer-Encoding", 400,
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding and Content-Length", 400,
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
                Arguments.of("two different Content-Lengths", 400,
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                Arguments.of("one Content-Length with two values", 400,
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: 5, 6\r\n\r\nhello!"),
                Arguments.of("two equal Content-Lengths", 400,
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("signed Content-Length", 400,
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: +5\r\n\r\nhello"),
                Arguments.of("Transfer-Encoding: xchunked", 400,
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding: chunked, identity", 400,
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding: identity", 400,
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding with a space before the colon", 400,
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding in HTTP/1.0", 400,
                        "POST / HTTP/1.0\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("obs-fold (a header line starting with a space)", 400,
                        "GET / HTTP/1.1\r\n" + h + "X-Folded: a\r\n b\r\n\r\n"),
                Arguments.of("obs-fold (a header line starting with a tab)", 400,
                        "GET / HTTP/1.1\r\n" + h + "X-Folded: a\r\n\tb\r\n\r\n"),
                Arguments.of("bare LF line endings", 400,
                        "GET / HTTP/1.1\nHost: " + HOST + "\n\n"),
                Arguments.of("bare LF after the request line only", 400,
                        "GET / HTTP/1.1\n" + h + "\r\n"),
                Arguments.of("bare CR in a header", 400,
                        "GET / HTTP/1.1\r\n" + h + "X-Cr: a\rb\r\n\r\n"),
                Arguments.of("bare CR as line ending", 400,
                        "GET / HTTP/1.1\r" + h + "\r\n"),
                Arguments.of("NUL in the request line", 400,
                        "GET /\0 HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of("NUL in a header value", 400,
                        "GET / HTTP/1.1\r\n" + h + "X-Nul: a\0b\r\n\r\n"),
                Arguments.of("space in a header name", 400,
                        "GET / HTTP/1.1\r\n" + h + "X Bad: 1\r\n\r\n"),
                Arguments.of("HTTP/2.0 in a request line", 505,
                        "GET / HTTP/2.0\r\n" + h + "\r\n"),
                Arguments.of("HTTP/3.0 in a request line", 505,
                        "GET / HTTP/3.0\r\n" + h + "\r\n"),
                Arguments.of("unknown protocol", 400,
                        "GET / FTP/1.1\r\n" + h + "\r\n"),
                Arguments.of("garbage", 400,
                        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003 garbage\r\n\r\n"),
                Arguments.of("request line with too many parts", 400,
                        "GET / / HTTP/1.1\r\n" + h + "\r\n"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("smuggling")
    void ambiguousOrMalformedRequestIsRefusedAndCloses(String what, int status, String request) throws Exception {
        assertRefused(request, status);
    }

    /** Legal requests near the ones above, so the refusals are not too eager. */
    static Stream<Arguments> legal() {
        String h = "Host: " + HOST + "\r\n";
        return Stream.of(
                Arguments.of("a tab inside a header value", "GET / HTTP/1.1\r\n" + h + "X-Tab: a\tb\r\n\r\n"),
                Arguments.of("no space after the colon", "GET / HTTP/1.1\r\nHost:" + HOST + "\r\n\r\n"),
                Arguments.of("an empty line before the request line", "\r\nGET / HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of("a body that looks like a folded header",
                        "GET / HTTP/1.1\r\n" + h + "Content-Length: 8\r\n\r\nx\r\n y\r\n\t"),
                Arguments.of("a chunked body that looks like a folded header",
                        "GET / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n5\r\nx\r\n y\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding: Chunked", 
                        "GET / HTTP/1.1\r\n" + h + "Transfer-Encoding: Chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("Content-Length exactly max-body-size",
                        "GET / HTTP/1.1\r\n" + h + "Content-Length: " + MAX_BODY + "\r\n\r\n" + "z".repeat(MAX_BODY)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("legal")
    void legalRequestIsServed(String what, String request) throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send(request).read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("home");
        }
    }

    @Test
    void foldedHeaderInTheSecondPipelinedRequestIsRefusedAfterTheFirstIsServed() throws Exception {
        String good = "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-A: 1\r\n\r\n";
        String folded = "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-A: 1\r\n 2\r\n\r\n";
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            c.send(good + good + folded + good);
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(c.read().status()).isEqualTo(400);
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void foldedHeaderArrivingLineByLineIsRefused() throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            c.send("GET / HTTP/1.1\r\n");
            c.send("Host: " + HOST + "\r\n");
            c.send("X-A: 1\r\n");
            c.send(" 2\r\n");
            c.send("\r\n");
            assertThat(c.read().status()).isEqualTo(400);
            assertThat(c.isClosedByServer()).isTrue();
        }
        assertStillServes();
    }

    /**
     * A chunk size that is not hex arrives after the head, which is answered as soon as it is read
     * (routes read no bodies), always with Connection: close since it has a body. So the answer is
     * that response and a close, never a second response after it.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/index.html", "/big"})
    void invalidChunkSizeClosesAfterTheOneResponse(String path) throws Exception {
        String smuggled = "GET /index.html HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", edge.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST
                            + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n" + smuggled)
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int headEnd = all.indexOf("\r\n\r\n");
            String head = all.substring(0, headEnd).toLowerCase(Locale.ROOT);
            assertThat(head).startsWith("http/1.1 200 ").contains("\r\nconnection: close");
            long length = Long.parseLong(head.replaceAll("(?s).*\r\ncontent-length: (\\d+).*", "$1"));
            // exactly one response: its body, then the end of the stream
            assertThat(all.length() - headEnd - 4L).isEqualTo(length);
        }
        assertStillServes();
    }

    @Test
    void smuggledRequestAfterBadFramingIsNeverAnswered() throws Exception {
        // A front end that reads Content-Length sees one request; one that reads chunked sees two.
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";
        String body = "0\r\n\r\n" + smuggled;
        String request = "POST / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + body.length()
                + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send(request).read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(c.isClosedByServer()).isTrue();
        }
        assertStillServes();
    }

    private static void assertRefused(String request, int status) throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send(request.getBytes(StandardCharsets.ISO_8859_1)).read();
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(c.isClosedByServer()).as("closed after %d", status).isTrue();
        }
        assertStillServes();
    }

    /** Reads any responses until the server closes; false if the connection stays open. */
    private static boolean closedAfterResponses(RawHttpClient c) throws IOException {
        c.setTimeout(5_000);
        for (int i = 0; i < 3; i++) {
            Response r;
            try {
                r = c.read();
            } catch (IOException closed) {
                return true;
            }
            if (!"close".equalsIgnoreCase(r.header("connection"))) {
                return false;
            }
        }
        return c.isClosedByServer();
    }

    private static void assertStillServes() throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("home");
        }
    }
}
