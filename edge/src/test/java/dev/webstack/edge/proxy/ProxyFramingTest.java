package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.UpstreamConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How an upstream's answers are framed again for an HTTP/1.1 client, which the edge writes as bytes: chunked
 * bodies go on in chunks with their trailers (or, to an HTTP/1.0 client, as they are), a chunked answer to HEAD carries no chunk at all (the next
 * response on the connection would be read from it), and the access log sees each status and body size.
 */
class ProxyFramingTest {
    private static final String HOST = "app.test";

    @TempDir
    Path dir;

    private RawBackend backend;
    private TestEdge edge;

    @BeforeEach
    void start() throws Exception {
        backend = new RawBackend(c -> {
            String head;
            while ((head = c.readHead()) != null) {
                if (head.startsWith("HEAD /chunked ")) {
                    c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                } else if (head.startsWith("GET /chunked ")) {
                    c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
                            + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n");
                } else if (head.startsWith("GET /named ")) {
                    c.write("HTTP/1.1 200 OK\r\nConnection: content-length, transfer-encoding, x-hop\r\n"
                            + "X-Hop: 1\r\nContent-Length: 5\r\n\r\nhello");
                } else if (head.startsWith("GET /empty ")) {
                    c.write("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n");
                } else if (head.startsWith("GET /lf ")) {
                    c.write("HTTP/1.1 200 OK\nContent-Length: 2\nX-App: lf\n\nok");
                } else if (head.startsWith("GET /missing ")) {
                    c.write("HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\n\r\nmissing");
                } else {
                    c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-App: 1\r\n\r\nok");
                }
            }
        });
        edge = new TestEdge(dir).upstream(UpstreamConfig.of("app", List.of(backend.serverConfig())))
                .proxy("app", HOST).defaultHost(HOST).start();
    }

    @AfterEach
    void stop() {
        edge.close();
        backend.close();
    }

    @Test
    void chunksAndTheirTrailersGoOnInChunks() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET /chunked HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");
            RawHttpClient.Response response = raw.read(); // no length: read to the end, framing and all
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(response.bodyText()).isEqualTo("5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n");
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> decoded = client.send(HttpRequest.newBuilder(edge.httpUri("/chunked")).header("Host", HOST)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(decoded.body()).isEqualTo("hello world");
    }

    @Test
    void aConnectionHeaderCannotTakeAwayTheFramingNorA204ItsEmptiness() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET /named HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            RawHttpClient.Response named = raw.read();
            assertThat(named.header("content-length")).isEqualTo("5");
            assertThat(named.headers()).doesNotContainKey("x-hop");
            assertThat(named.bodyText()).isEqualTo("hello");

            raw.send("GET /empty HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            RawHttpClient.Response empty = raw.read();
            assertThat(empty.status()).isEqualTo(204);
            assertThat(empty.headers()).doesNotContainKey("content-length");

            raw.send("GET /plain HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            assertThat(raw.read().bodyText()).as("the connection still in step").isEqualTo("ok");
        }
    }

    @Test
    void aHeadWhoseLinesEndInABareLfIsRead() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            RawHttpClient.Response response = raw.send("GET /lf HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("x-app")).isEqualTo("lf");
            assertThat(response.bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void anHttp10ClientGetsAChunkedBodyAsItIsEndedByTheEndOfTheConnection() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET /chunked HTTP/1.0\r\nHost: " + HOST + "\r\nConnection: keep-alive\r\n\r\n");
            RawHttpClient.Response response = raw.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers()).doesNotContainKey("transfer-encoding");
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(response.bodyText()).isEqualTo("hello world");
        }
    }

    @Test
    void aChunkedAnswerToHeadCarriesNoChunkAndTheConnectionStaysInStep() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("HEAD /chunked HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            RawHttpClient.Response head = raw.read(true);
            assertThat(head.status()).isEqualTo(200);

            raw.send("GET /plain HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            RawHttpClient.Response next = raw.read(); // a stray last chunk before it would be read as its status line
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.header("x-app")).isEqualTo("1");
            assertThat(next.bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void theAccessLogHasEachProxiedStatusAndBodySize() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            String request = "%s %s HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";
            raw.send(String.format(request, "GET", "/plain"));
            raw.read();
            raw.send(String.format(request, "GET", "/missing"));
            raw.read();
            raw.send(String.format(request, "HEAD", "/chunked"));
            raw.read(true);
            raw.send(String.format(request, "GET", "/chunked"));
            raw.send("GET /plain HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");
            raw.read(); // the chunked body and the last response, to the end of the connection
        }
        assertThat(edge.accessLogLines(5)).extracting(line -> line.replaceAll("^.*\"([A-Z]+ /\\w+) HTTP/1.1\" (\\d+ \\d+) .*$",
                "$1 $2")).containsExactly(
                        "GET /plain 200 2",
                        "GET /missing 404 7",
                        "HEAD /chunked 200 0",
                        "GET /chunked 200 11",
                        "GET /plain 200 2");
    }
}
