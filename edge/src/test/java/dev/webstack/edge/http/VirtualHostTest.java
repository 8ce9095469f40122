package dev.webstack.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.RawHttpClient.Response;
import dev.webstack.edge.TestEdge;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which site answers a request: by the Host header (or an absolute request target), case-insensitive,
 * without port or trailing dot; unknown hosts get 404 or the default site; redirect sites and the
 * HTTP → HTTPS redirect keep path, query and port.
 */
class VirtualHostTest {
    @TempDir
    Path tmp;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    /** Two file sites (a and b) and foobar.test redirecting to www.foobar.test. */
    private TestEdge edge() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.writeString(a.resolve("index.html"), "site a");
        Files.writeString(a.resolve("x"), "a/x");
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(b.resolve("index.html"), "site b");
        Files.writeString(b.resolve("x"), "b/x");
        Path foobar = Files.createDirectories(tmp.resolve("foobar"));
        Files.writeString(foobar.resolve("index.html"), "foobar");
        return new TestEdge(tmp.resolve("data"))
                .site(a, "www.a.test", "a.test")
                .site(b, "www.b.test")
                .site(foobar, "www.foobar.test")
                .redirect("www.foobar.test", "foobar.test");
    }

    private HttpResponse<String> get(URI uri, String host) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Host", host).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"www.a.test", "WWW.A.TEST", "Www.A.Test", "www.a.test:8080", "www.a.test.", "WWW.A.TEST.:80", "a.test"})
    void hostMatchIgnoresCasePortAndTrailingDot(String host) throws Exception {
        edge = edge().start();
        HttpResponse<String> r = get(edge.httpUri("/"), host);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("site a");
    }

    @Test
    void otherHostGetsItsOwnSite() throws Exception {
        edge = edge().start();
        assertThat(get(edge.httpUri("/x"), "www.b.test").body()).isEqualTo("b/x");
        assertThat(get(edge.httpUri("/x"), "www.a.test").body()).isEqualTo("a/x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown.test", "127.0.0.1", "www.a.test.evil", "a.test.b.test"})
    void unknownHostIs404(String host) throws Exception {
        edge = edge().start();
        HttpResponse<String> r = get(edge.httpUri("/"), host);
        assertThat(r.statusCode()).isEqualTo(404);
        // a 404 for an unknown host does not end the connection
        assertThat(r.headers().firstValue("connection")).isEmpty();
    }

    @Test
    void defaultHostAnswersUnknownHosts() throws Exception {
        edge = edge().defaultHost("www.b.test").start();
        HttpResponse<String> unknown = get(edge.httpUri("/x"), "unknown.test");
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.body()).isEqualTo("b/x");
        assertThat(get(edge.httpUri("/x"), "www.a.test").body()).isEqualTo("a/x");
    }

    @Test
    void http11WithoutHostIs400AndCloses() throws Exception {
        edge = edge().start();
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send("GET / HTTP/1.1\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(c.isClosedByServer()).isTrue();
        }
        assertStillServes();
    }

    @Test
    void http10WithoutHostIsAllowed() throws Exception {
        edge = edge().defaultHost("www.a.test").start();
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send("GET /x HTTP/1.0\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("a/x");
        }
    }

    @Test
    void twoHostHeadersAre400AndClose() throws Exception {
        edge = edge().start();
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send("GET / HTTP/1.1\r\nHost: www.a.test\r\nHost: www.b.test\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(c.isClosedByServer()).isTrue();
        }
        assertStillServes();
    }

    @Test
    void absoluteFormRoutesByItsAuthority() throws Exception {
        edge = edge().start();
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send("GET http://www.a.test/x HTTP/1.1\r\nHost: www.b.test\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("a/x");
            Response withPort = c.send("GET http://WWW.B.TEST:8080/x?y=1 HTTP/1.1\r\nHost: www.a.test\r\n\r\n").read();
            assertThat(withPort.status()).isEqualTo(200);
            assertThat(withPort.bodyText()).isEqualTo("b/x");
        }
    }

    @Test
    void redirectSiteKeepsPathQueryAndPort() throws Exception {
        edge = edge().start();
        int port = edge.httpPort();
        HttpResponse<String> r = get(edge.httpUri("/p?q=1"), "foobar.test:" + port);
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("location")).hasValue("http://www.foobar.test:" + port + "/p?q=1");
    }

    @Test
    void redirectSiteWithoutPortInHostAddsNone() throws Exception {
        edge = edge().start();
        HttpResponse<String> r = get(edge.httpUri("/a/b"), "FOOBAR.test");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("location")).hasValue("http://www.foobar.test/a/b");
    }

    @Test
    void redirectOverHttpsKeepsTheScheme() throws Exception {
        edge = edge().start();
        int port = edge.httpsPort();
        Process curl = new ProcessBuilder(
                        "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                        "--resolve", "foobar.test:" + port + ":127.0.0.1",
                        "https://foobar.test:" + port + "/p?q=1")
                .redirectErrorStream(true)
                .start();
        String out = new String(curl.getInputStream().readAllBytes());
        assertThat(curl.waitFor()).isZero();
        assertThat(out).isEqualTo("301 https://www.foobar.test:" + port + "/p?q=1");
    }

    @Test
    void plainHttpRedirectsToHttpsWhenAsked() throws Exception {
        edge = edge().redirectHttpToHttps().start();
        HttpResponse<String> r = get(edge.httpUri("/path?q=1"), "WWW.A.TEST:" + edge.httpPort());
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("location"))
                .hasValue("https://www.a.test:" + edge.httpsPort() + "/path?q=1");
    }

    @Test
    void theHttpsRedirectNeverTakesAHostThatIsNotAHostName() throws Exception {
        edge = edge().redirectHttpToHttps().start();
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            // HTTP/1.0 may come without Host: the redirect goes to the first configured host name.
            RawHttpClient.Response r = c.send("GET /p?q=1 HTTP/1.0\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(301);
            assertThat(r.header("location")).isEqualTo("https://www.a.test:" + edge.httpsPort() + "/p?q=1");
        }
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            // A Host that would make Location point elsewhere is not copied into it.
            RawHttpClient.Response r = c.send("GET /p HTTP/1.1\r\nHost: evil.test/x@a\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(301);
            assertThat(r.header("location")).isEqualTo("https://www.a.test:" + edge.httpsPort() + "/p");
        }
    }

    @Test
    void httpsIsServedWhilePlainHttpRedirects() throws Exception {
        edge = edge().redirectHttpToHttps().start();
        int port = edge.httpsPort();
        Process curl = new ProcessBuilder(
                        "curl", "-sk", "-w", " %{http_code}",
                        "--resolve", "www.a.test:" + port + ":127.0.0.1",
                        "https://www.a.test:" + port + "/x")
                .redirectErrorStream(true)
                .start();
        String out = new String(curl.getInputStream().readAllBytes());
        assertThat(curl.waitFor()).isZero();
        assertThat(out).isEqualTo("a/x 200");
    }

    private void assertStillServes() throws Exception {
        HttpResponse<String> r = get(edge.httpUri("/x"), "www.a.test");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("a/x");
    }
}
