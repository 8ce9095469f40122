package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.UpstreamConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests pass through the edge to a real backend and back, faithfully, over pooled keep-alive connections. */
class ProxyBasicsTest {
    @TempDir
    Path dir;

    private TestBackend backend;
    private TestEdge edge;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        backend = new TestBackend("a");
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

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(edge.httpUri(path)).header("Host", "app.test").timeout(Duration.ofSeconds(10));
    }

    @Test
    void aGetGoesThroughWithForwardedHeadersAndTheHostKept() throws Exception {
        HttpResponse<String> response = client.send(request("/headers?x=1").header("X-Forwarded-For", "198.51.100.7")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-backend")).hasValue("a");
        assertThat(response.headers().firstValue("server")).hasValue("webstack");
        assertThat(response.body()).startsWith("GET /headers?x=1\n")
                .contains("host: app.test\n", "x-forwarded-for: 198.51.100.7, 127.0.0.1\n",
                        "x-forwarded-proto: http\n", "x-forwarded-host: app.test\n",
                        "forwarded: for=127.0.0.1;proto=http;host=\"app.test\"\n");
    }

    @Test
    void anIpv6ClientIsAddedToTheForwardingHeadersAfterThoseItSent() throws Exception {
        backend.close();
        edge.close();
        backend = new TestBackend("a");
        edge = new TestEdge(dir).httpAddress("::1")
                .upstream(UpstreamConfig.of("app", List.of(backend.serverConfig())))
                .proxy("app", "app.test")
                .start();
        try (RawHttpClient raw = new RawHttpClient("::1", edge.httpPort())) {
            RawHttpClient.Response answer = raw.send("GET /headers HTTP/1.1\r\nHost: app.test\r\n"
                    + "X-Forwarded-For: 198.51.100.7\r\nForwarded: for=192.0.2.60;proto=https\r\n"
                    + "Forwarded: for=192.0.2.61\r\nX-Forwarded-Proto: https\r\n\r\n").read();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.bodyText())
                    .contains("x-forwarded-for: 198.51.100.7, 0:0:0:0:0:0:0:1\n", "x-forwarded-proto: http\n",
                            "forwarded: for=192.0.2.60;proto=https, for=192.0.2.61, "
                                    + "for=\"[0:0:0:0:0:0:0:1]\";proto=http;host=\"app.test\"\n")
                    .doesNotContain("x-forwarded-proto: https");
        }
    }

    @Test
    void aHostThatCannotBeQuotedIsLeftOutOfForwarded() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            RawHttpClient.Response answer = raw.send(
                    "GET /headers HTTP/1.1\r\nHost: app.test\r\n\r\n"
                            + "GET /headers HTTP/1.1\r\nHost: a\"b\r\n\r\n").read();
            assertThat(answer.bodyText()).contains("forwarded: for=127.0.0.1;proto=http;host=\"app.test\"\n");
            RawHttpClient.Response second = raw.read();
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.bodyText()).contains("x-forwarded-host: a\"b\n", "forwarded: for=127.0.0.1;proto=http\n");
        }
    }

    @Test
    void hopByHopHeadersAndThoseNamedInConnectionStayOnTheirHop() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            RawHttpClient.Response answer = raw.send("GET /headers HTTP/1.1\r\nHost: app.test\r\n"
                    + "Connection: close, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                    + "Proxy-Authorization: Basic eDp5\r\nX-Kept: yes\r\n\r\n").read();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.bodyText()).contains("x-kept: yes")
                    .doesNotContain("x-secret", "keep-alive: timeout", "te: trailers", "proxy-authorization");
        }
    }

    @Test
    void bodiesStreamBothWaysWithALengthOrInChunks() throws Exception {
        String body = "hello ".repeat(50_000);
        HttpResponse<String> fixed = client.send(request("/echo").POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fixed.statusCode()).isEqualTo(200);
        assertThat(fixed.body()).isEqualTo(body);
        HttpResponse<String> chunked = client.send(request("/echo").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(body.getBytes()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.body()).isEqualTo(body);
        HttpResponse<Void> head = client.send(request("/bytes?n=1000").method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("x-backend")).hasValue("a");
    }

    @Test
    void sequentialRequestsReuseOneUpstreamConnection() throws Exception {
        Set<String> ports = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = client.send(request("/name").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("a");
            ports.add(response.headers().firstValue("x-remote-port").orElseThrow());
        }
        assertThat(ports).hasSize(1);
    }

    @Test
    void http2ClientsAreProxiedToTheHttp1Backend() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(edge.trustingSslContext()).build();
        HttpResponse<String> response = h2.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                        + edge.httpsPort() + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("over h2")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).isEqualTo("over h2");
        assertThat(backend.lastHeaders()).contains("x-forwarded-proto: https");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderEvenWhenTheFirstIsSlow() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET /slow?ms=300 HTTP/1.1\r\nHost: app.test\r\n\r\n"
                    + "GET /headers?second HTTP/1.1\r\nHost: app.test\r\n\r\n"
                    + "GET /headers?third HTTP/1.1\r\nHost: app.test\r\n\r\n");
            assertThat(raw.read().bodyText()).isEqualTo("a");
            RawHttpClient.Response second = raw.read();
            assertThat(second.bodyText()).startsWith("GET /headers?second\n");
            // A request that waited its turn is whole (it has no body): its connection stays open for the next.
            assertThat(second.header("connection")).isNull();
            assertThat(raw.read().bodyText()).startsWith("GET /headers?third\n");
            raw.send("GET /headers?fourth HTTP/1.1\r\nHost: app.test\r\n\r\n");
            assertThat(raw.read().bodyText()).startsWith("GET /headers?fourth\n");
        }
    }

    @Test
    void aPipelinedRequestWithABodyBehindASlowOneGetsItsWholeBody() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.setTimeout(10_000);
            String body = "x".repeat(100_000); // more than one read: some of it is still unread when its turn comes
            raw.send("GET /slow?ms=300 HTTP/1.1\r\nHost: app.test\r\n\r\n"
                    + "POST /count HTTP/1.1\r\nHost: app.test\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                    + "GET /headers?third HTTP/1.1\r\nHost: app.test\r\n\r\n");
            assertThat(raw.read().bodyText()).isEqualTo("a");
            assertThat(raw.read().bodyText()).isEqualTo(Integer.toString(body.length()));
            assertThat(raw.read().bodyText()).startsWith("GET /headers?third\n");
        }
    }

    @Test
    void anUploadSlowerThanTheResponseTimeoutIsNotCutOff() throws Exception {
        try (TestEdge strict = new TestEdge(dir.resolve("strict"))
                .upstream(UpstreamConfig.of("app", List.of(backend.serverConfig()))
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(60)))
                .proxy("app", "app.test")
                .defaultHost("app.test")
                .start()) {
            java.io.InputStream slow = new java.io.InputStream() {
                private int sent;

                @Override
                public int read() {
                    return -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (sent == 8) {
                        return -1;
                    }
                    try {
                        Thread.sleep(100); // eight pieces over about 800 ms, more than the 300 ms response timeout
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    sent++;
                    b[off] = 'x';
                    return 1;
                }
            };
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(strict.httpUri("/count"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> slow)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("8");
        }
    }
}
