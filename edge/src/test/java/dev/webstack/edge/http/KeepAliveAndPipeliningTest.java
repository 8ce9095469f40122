package dev.webstack.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.RawHttpClient.Response;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.LimitsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.x connection reuse (RFC 9112 §9): several requests on one connection, pipelined requests
 * answered in order, and the ways a connection ends (Connection: close, HTTP/1.0, keepalive-requests).
 */
class KeepAliveAndPipeliningTest {
    private static final String HOST = "www.a.test";

    @TempDir
    Path tmp;

    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    private void start(LimitsConfig limits) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(root.resolve("a.txt"), "aaa");
        Files.writeString(root.resolve("b.txt"), "bbbb");
        Files.writeString(root.resolve("c.txt"), "ccccc");
        edge = new TestEdge(tmp.resolve("data")).site(root, HOST).limits(limits).start();
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";
    }

    @Test
    void servesSeveralRequestsOnOneConnection() throws Exception {
        start(LimitsConfig.DEFAULT);
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            for (String name : new String[] {"a", "b", "c", "a"}) {
                Response r = c.send(get("/" + name + ".txt")).read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("connection")).isNull();
                assertThat(r.bodyText()).startsWith(name);
            }
        }
    }

    @Test
    void curlReusesTheConnectionForASecondUrl() throws Exception {
        start(LimitsConfig.DEFAULT);
        Process curl = new ProcessBuilder(
                        "curl", "-s",
                        "-H", "Host: " + HOST,
                        "-o", "/dev/null", "-o", "/dev/null",
                        "-w", "%{http_code} %{num_connects}\\n",
                        edge.httpUri("/a.txt").toString(),
                        edge.httpUri("/b.txt").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // The second transfer made no new connection.
        assertThat(out).isEqualTo("200 1\n200 0\n");
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        start(LimitsConfig.DEFAULT);
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            c.send(get("/a.txt") + get("/b.txt") + get("/c.txt"));
            assertThat(c.read().bodyText()).isEqualTo("aaa");
            assertThat(c.read().bodyText()).isEqualTo("bbbb");
            assertThat(c.read().bodyText()).isEqualTo("ccccc");
            // and the connection is still good for more
            assertThat(c.send(get("/a.txt")).read().status()).isEqualTo(200);
        }
    }

    @Test
    void pipelinedHeadAndGetKeepTheirFraming() throws Exception {
        start(LimitsConfig.DEFAULT);
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            c.send("HEAD /b.txt HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n" + get("/c.txt"));
            Response head = c.read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("4");
            assertThat(c.read().bodyText()).isEqualTo("ccccc");
        }
    }

    @Test
    void connectionCloseIsEchoedAndTheSocketCloses() throws Exception {
        start(LimitsConfig.DEFAULT);
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send("GET /a.txt HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(r.bodyText()).isEqualTo("aaa");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void requestsPipelinedAfterConnectionCloseAreNotAnswered() throws Exception {
        start(LimitsConfig.DEFAULT);
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            c.send("GET /a.txt HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n" + get("/b.txt"));
            Response r = c.read();
            assertThat(r.bodyText()).isEqualTo("aaa");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void http10WithoutKeepAliveCloses() throws Exception {
        start(LimitsConfig.DEFAULT);
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send("GET /a.txt HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("aaa");
            assertThat(r.header("connection")).isNotEqualToIgnoringCase("keep-alive");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void http10WithKeepAliveStaysOpen() throws Exception {
        start(LimitsConfig.DEFAULT);
        String request = "GET /a.txt HTTP/1.0\r\nHost: " + HOST + "\r\nConnection: keep-alive\r\n\r\n";
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response first = c.send(request).read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("connection")).isEqualToIgnoringCase("keep-alive");
            Response second = c.send(request).read();
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.header("connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(second.bodyText()).isEqualTo("aaa");
        }
    }

    @Test
    void keepaliveRequestsLimitClosesAfterTheLastOne() throws Exception {
        start(limits(3));
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            assertThat(c.send(get("/a.txt")).read().header("connection")).isNull();
            assertThat(c.send(get("/b.txt")).read().header("connection")).isNull();
            Response third = c.send(get("/c.txt")).read();
            assertThat(third.status()).isEqualTo(200);
            assertThat(third.header("connection")).isEqualToIgnoringCase("close");
            assertThat(third.bodyText()).isEqualTo("ccccc");
            assertThat(c.isClosedByServer()).isTrue();
        }
        try (RawHttpClient next = new RawHttpClient(edge.httpPort())) {
            assertThat(next.send(get("/a.txt")).read().status()).isEqualTo(200);
        }
    }

    @Test
    void keepaliveRequestsLimitCountsPipelinedRequests() throws Exception {
        start(limits(3));
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            c.send(get("/a.txt") + get("/b.txt") + get("/c.txt") + get("/a.txt"));
            assertThat(c.read().bodyText()).isEqualTo("aaa");
            assertThat(c.read().bodyText()).isEqualTo("bbbb");
            Response third = c.read();
            assertThat(third.bodyText()).isEqualTo("ccccc");
            assertThat(third.header("connection")).isEqualToIgnoringCase("close");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    private static LimitsConfig limits(int keepaliveRequests) {
        LimitsConfig d = LimitsConfig.DEFAULT;
        return new LimitsConfig(
                d.maxRequestLine(),
                d.maxHeaderSize(),
                d.maxBodySize(),
                d.headerTimeout(),
                d.idleTimeout(),
                d.sendTimeout(),
                d.maxConnections(),
                keepaliveRequests,
                d.shutdownGrace());
    }
}
