package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.UpstreamConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that the edge and an upstream could frame two ways (request smuggling) are refused, and the upstream
 * sees nothing of them. Each attack hides a second request, {@code GET /smuggled}, where a server reading the
 * framing the other way would find it; the upstream is a small but strict HTTP/1.1 reader that records every
 * request line it frames. After each attack a plain request, {@code GET /sentinel}, goes through the same single
 * event loop, so the backend is known to be listening and to have been reached by the edge since.
 */
class ProxySmugglingTest {
    /** The hidden request; a server that reads it as a request of its own has been smuggled to. */
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n";
    private static final String POST = "POST / HTTP/1.1\r\nHost: app.test\r\n";

    @TempDir
    Path dir;

    private RecordingUpstream recorder;
    private RawBackend backend;
    private TestEdge edge;

    /** Where the edge's refusal comes: before anything is forwarded, or in a chunked body whose head went on. */
    enum Refused {
        /** 400 and the connection closed; the upstream saw no byte of it. */
        HEAD,
        /** 400 or no answer, the connection closed; at most the head reached the upstream, never the hidden request. */
        BODY
    }

    @BeforeEach
    void start() throws Exception {
        recorder = new RecordingUpstream();
        backend = new RawBackend(recorder);
        edge = new TestEdge(dir)
                .upstream(UpstreamConfig.of("app", List.of(backend.serverConfig())))
                .proxy("app", "app.test")
                .defaultHost("app.test")
                .start();
    }

    @AfterEach
    void stop() {
        edge.close();
        backend.close();
    }

    static Stream<Arguments> attacks() {
        String chunkedSmuggled = Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n";
        String clCoveringAll = "Content-Length: " + ("0\r\n\r\n" + SMUGGLED).length() + "\r\n";
        // TE.TE: a Transfer-Encoding one reader may not recognise, beside a Content-Length the other falls back on.
        String shortLength = "Content-Length: 4\r\n";
        return Stream.of(
                attack("CL.TE", POST + clCoveringAll + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                attack("TE.CL", POST + "Transfer-Encoding: chunked\r\n" + shortLength + "\r\n" + chunkedSmuggled),
                attack("TE.TE xchunked",
                        POST + "Transfer-Encoding: xchunked\r\n" + shortLength + "\r\n" + chunkedSmuggled),
                attack("TE.TE space before the colon",
                        POST + "Transfer-Encoding : chunked\r\n" + shortLength + "\r\n" + chunkedSmuggled),
                attack("TE.TE chunked, identity",
                        POST + "Transfer-Encoding: chunked, identity\r\n" + shortLength + "\r\n" + chunkedSmuggled),
                attack("TE.TE tab before the value",
                        POST + "Transfer-Encoding:\tchunked\r\n" + shortLength + "\r\n" + chunkedSmuggled),
                attack("TE.TE a second Transfer-Encoding",
                        POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n" + shortLength + "\r\n"
                                + chunkedSmuggled),
                attack("TE.TE folded Transfer-Encoding",
                        POST + "Transfer-Encoding:\r\n chunked\r\n" + shortLength + "\r\n" + chunkedSmuggled),
                attack("TE.TE Transfer-Encoding after a bare LF",
                        POST + "X-A: a\nTransfer-Encoding: chunked\r\n" + shortLength + "\r\n" + chunkedSmuggled),
                attack("TE.TE Transfer-Encoding after a bare CR",
                        POST + "X-A: a\rTransfer-Encoding: chunked\r\n" + shortLength + "\r\n" + chunkedSmuggled),
                attack("xchunked alone (chunked not last)",
                        POST + "Transfer-Encoding: xchunked\r\n\r\n" + chunkedSmuggled),
                attack("chunked, identity alone (chunked not last)",
                        POST + "Transfer-Encoding: chunked, identity\r\n\r\n" + chunkedSmuggled),
                attack("duplicate Content-Length, same value",
                        POST + "Content-Length: 43\r\nContent-Length: 43\r\n\r\n" + SMUGGLED),
                attack("duplicate Content-Length, different values",
                        POST + "Content-Length: 0\r\nContent-Length: 43\r\n\r\n" + SMUGGLED),
                attack("Content-Length as a list", POST + "Content-Length: 0, 43\r\n\r\n" + SMUGGLED),
                attack("obs-fold", POST + "X-Folded: a\r\n b\r\nContent-Length: 43\r\n\r\n" + SMUGGLED),
                attack("obs-fold of the first header line",
                        "POST / HTTP/1.1\r\n Host: app.test\r\nContent-Length: 43\r\n\r\n" + SMUGGLED),
                attack("bare CR in a header value", POST + "X-A: a\rb\r\nContent-Length: 43\r\n\r\n" + SMUGGLED),
                attack("bare LF ending a header line", POST + "X-A: a\nContent-Length: 43\r\n\r\n" + SMUGGLED),
                attack("bare LF ending the request line",
                        "POST / HTTP/1.1\nHost: app.test\r\nContent-Length: 43\r\n\r\n" + SMUGGLED),
                chunkAttack("chunk size not hex", "zz"),
                chunkAttack("negative chunk size", "-1"),
                chunkAttack("chunk size overflowing 64 bits to 0", "10000000000000000"),
                chunkAttack("chunk size overflowing 64 bits", "fffffffffffffffff"));
    }

    private static Arguments attack(String name, String request) {
        return Arguments.of(name, request, Refused.HEAD);
    }

    /** A chunked POST whose first chunk size is {@code size}; a reader taking it for 0 finds the hidden request. */
    private static Arguments chunkAttack(String name, String size) {
        return Arguments.of(name,
                POST + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n",
                Refused.BODY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void anAmbiguousRequestIsRefusedAndTheUpstreamSeesNothingOfIt(String name, String attack, Refused where)
            throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send(attack);
            Integer status = statusOrNullIfClosed(raw);
            if (where == Refused.HEAD) {
                assertThat(status).as("status").isEqualTo(400);
            } else if (status != null) {
                assertThat(status).as("status").isEqualTo(400);
            }
            assertThat(raw.isClosedByServer()).as("connection closed").isTrue();
        }
        sentinel();

        if (where == Refused.HEAD) {
            assertThat(recorder.requestLines).containsExactly("GET /sentinel");
            assertThat(backend.received()).doesNotContain("POST");
        } else {
            // The head may have gone on before the bad chunk size came; nothing after it may.
            // (Its upstream connection is another than the sentinel's: the two may be recorded in either order.)
            assertThat(recorder.requestLines).isSubsetOf("POST /", "GET /sentinel").containsOnlyOnce("GET /sentinel");
        }
        assertThat(backend.received()).doesNotContain("/smuggled");
    }

    @Test
    void aWellFramedBodyThatLooksLikeARequestIsForwardedAsData() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            RawHttpClient.Response response = raw.send(POST + "Content-Length: " + SMUGGLED.length() + "\r\n\r\n"
                    + SMUGGLED).read();
            assertThat(response.status()).isEqualTo(200);
        }
        sentinel();
        assertThat(recorder.requestLines).containsExactly("POST /", "GET /sentinel");
        assertThat(recorder.bodies).containsExactly(SMUGGLED, "");
    }

    private void sentinel() throws IOException {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            RawHttpClient.Response response = raw.send("GET /sentinel HTTP/1.1\r\nHost: app.test\r\n"
                    + "Connection: close\r\n\r\n").read();
            assertThat(response.status()).as("the sentinel request").isEqualTo(200);
        }
    }

    /** The status of the edge's answer, or null when it closed the connection without one. */
    private static Integer statusOrNullIfClosed(RawHttpClient raw) throws IOException {
        try {
            return raw.read().status();
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("connection closed before a response")) {
                return null;
            }
            if (e instanceof java.net.SocketException) {
                return null; // reset
            }
            throw e;
        }
    }

    /**
     * An upstream that frames requests strictly by RFC 9112 (Content-Length or chunked, CRLF line ends),
     * records each request line and body, and answers 200 on the same connection.
     */
    static final class RecordingUpstream implements RawBackend.Behaviour {
        final List<String> requestLines = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();

        @Override
        public void serve(RawBackend.Connection c) throws IOException {
            InputStream in = c.in();
            for (int i = 0; i < 100; i++) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                String[] parts = requestLine.split(" ");
                requestLines.add(parts[0] + " " + (parts.length > 1 ? parts[1] : ""));
                long length = 0;
                boolean chunked = false;
                String header;
                while ((header = line(in)) != null && !header.isEmpty()) {
                    String lower = header.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(lower.substring(15).trim());
                    } else if (lower.startsWith("transfer-encoding:")) {
                        chunked = lower.substring(18).trim().equals("chunked");
                    }
                }
                if (header == null) {
                    return;
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                if (chunked) {
                    for (int chunks = 0; ; chunks++) {
                        String size = line(in);
                        if (size == null || chunks > 10_000) {
                            return;
                        }
                        int semicolon = size.indexOf(';');
                        int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                        if (n == 0) {
                            while ((header = line(in)) != null && !header.isEmpty()) {
                                // trailers
                            }
                            break;
                        }
                        byte[] data = in.readNBytes(n);
                        if (data.length < n || line(in) == null) {
                            return;
                        }
                        body.writeBytes(data);
                    }
                } else if (length > 0) {
                    byte[] data = in.readNBytes((int) length);
                    if (data.length < length) {
                        return;
                    }
                    body.writeBytes(data);
                }
                bodies.add(body.toString(StandardCharsets.ISO_8859_1));
                c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        }

        /** A CRLF-terminated line without its CRLF; null at the end of the stream. */
        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int previous = -1;
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n' && previous == '\r') {
                    byte[] b = line.toByteArray();
                    return new String(b, 0, b.length - 1, StandardCharsets.ISO_8859_1);
                }
                line.write(c);
                previous = c;
                if (line.size() > 65_536) {
                    throw new IOException("line too long");
                }
            }
            return null;
        }
    }
}
