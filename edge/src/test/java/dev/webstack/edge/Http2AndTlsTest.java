package dev.webstack.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTPS listener as real clients see it: HTTP/2 through ALPN (JDK HttpClient and curl),
 * HTTP/1.1 when HTTP/2 is off or not offered, TLS 1.2 and 1.3 only, and many streams on one
 * connection.
 */
class Http2AndTlsTest {
    private static final String HOST = "www.a.test";
    private static final String PAGE = "<h1>home</h1>\n";

    @TempDir
    Path tmp;

    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    private TestEdge start(boolean http2) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(root.resolve("index.html"), PAGE);
        for (int i = 0; i < 50; i++) {
            Files.writeString(root.resolve("f" + i + ".txt"), "file " + i);
        }
        // The certificate names 127.0.0.1; requests for it go to the default site.
        edge = new TestEdge(tmp.resolve("data")).site(root, HOST).defaultHost(HOST).http2(http2).start();
        return edge;
    }

    private HttpClient client(HttpClient.Version version) throws Exception {
        return HttpClient.newBuilder()
                .version(version)
                .sslContext(edge.trustingSslContext())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Test
    void jdkClientGetsHttp2OverTls() throws Exception {
        start(true);
        HttpResponse<String> r = client(HttpClient.Version.HTTP_2)
                .send(HttpRequest.newBuilder(edge.httpsUri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.body()).isEqualTo(PAGE);
        assertThat(r.headers().firstValue("server")).hasValue("webstack");
        // HTTP/2 has no Connection header (RFC 9113 §8.2.2)
        assertThat(r.headers().firstValue("connection")).isEmpty();
    }

    @Test
    void jdkClientGetsHttp11WhenHttp2IsOff() throws Exception {
        start(false);
        HttpResponse<String> r = client(HttpClient.Version.HTTP_2)
                .send(HttpRequest.newBuilder(edge.httpsUri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(r.body()).isEqualTo(PAGE);
    }

    @Test
    void jdkClientAskingForHttp11GetsIt() throws Exception {
        start(true);
        HttpResponse<String> r = client(HttpClient.Version.HTTP_1_1)
                .send(HttpRequest.newBuilder(edge.httpsUri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(r.body()).isEqualTo(PAGE);
    }

    @Test
    void curlNegotiatesHttp2() throws Exception {
        start(true);
        assertThat(curl("--http2", "-w", " %{http_version}", edge.httpsUri("/").toString()))
                .isEqualTo(PAGE + " 2");
    }

    @Test
    void curlGetsHttp11WhenHttp2IsOff() throws Exception {
        start(false);
        assertThat(curl("--http2", "-w", " %{http_version}", edge.httpsUri("/").toString()))
                .isEqualTo(PAGE + " 1.1");
    }

    @Test
    void curlAskingForHttp11OverTlsGetsIt() throws Exception {
        start(true);
        assertThat(curl("--http1.1", "-w", " %{http_version} %{http_code}", edge.httpsUri("/").toString()))
                .isEqualTo(PAGE + " 1.1 200");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.1"})
    void tlsOlderThan12FailsTheHandshake(String version) throws Exception {
        start(true);
        // curl offers the old version for real (SECLEVEL=0 lets OpenSSL 3 send it); the alert is the server's.
        Process p = new ProcessBuilder(
                        "curl", "-sSk", "--tlsv" + version, "--tls-max", version,
                        "--ciphers", "DEFAULT:@SECLEVEL=0", edge.httpsUri("/").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(35); // CURLE_SSL_CONNECT_ERROR
        assertThat(out).contains("alert protocol version");
        // the refused handshake costs nothing to the next client
        assertThat(curl("--http2", "-w", " %{http_version}", edge.httpsUri("/").toString())).isEqualTo(PAGE + " 2");
    }

    @ParameterizedTest
    @CsvSource({"1.2, TLSv1.2", "1.3, TLSv1.3"})
    void curlConnectsWithTls12And13(String version, String expected) throws Exception {
        start(true);
        String out = curl("-v", "--tlsv" + version, "--tls-max", version, "-w", "[%{http_code}]", edge.httpsUri("/").toString());
        assertThat(out).contains("SSL connection using " + expected + " ").contains(PAGE + "[200]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void jdkSocketConnectsWithTls12And13(String protocol) throws Exception {
        start(true);
        try (SSLSocket socket = (SSLSocket) edge.trustingSslContext()
                .getSocketFactory()
                .createSocket("127.0.0.1", edge.httpsPort())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n" + PAGE);
        }
    }

    @Test
    void http2NotFoundAndHead() throws Exception {
        start(true);
        HttpClient client = client(HttpClient.Version.HTTP_2);
        HttpResponse<String> missing = client.send(
                HttpRequest.newBuilder(edge.httpsUri("/missing")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(missing.body()).contains("404 Not Found");

        HttpResponse<String> head = client.send(
                HttpRequest.newBuilder(edge.httpsUri("/")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-length")).hasValue(String.valueOf(PAGE.length()));

        // and the connection is still good after both
        HttpResponse<String> ok = client.send(
                HttpRequest.newBuilder(edge.httpsUri("/f1.txt")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.body()).isEqualTo("file 1");
    }

    @Test
    void curlHttp2HeadAndNotFound() throws Exception {
        start(true);
        assertThat(curl("--http2", "-o", "/dev/null", "-w", "%{http_code} %{http_version}", edge.httpsUri("/nope").toString()))
                .isEqualTo("404 2");
        assertThat(curl("--http2", "-I", "-o", "/dev/null", "-w", "%{http_code} %{http_version} %{size_download}",
                        edge.httpsUri("/").toString()))
                .isEqualTo("200 2 0");
    }

    @Test
    void manyConcurrentStreamsOnOneConnectionAllSucceed() throws Exception {
        start(true);
        HttpClient client = client(HttpClient.Version.HTTP_2);
        // one request first, so that the 50 below share its connection
        assertThat(client.send(HttpRequest.newBuilder(edge.httpsUri("/")).build(), HttpResponse.BodyHandlers.ofString())
                        .version())
                .isEqualTo(HttpClient.Version.HTTP_2);
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(client.sendAsync(
                    HttpRequest.newBuilder(edge.httpsUri("/f" + i + ".txt")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> r = futures.get(i).get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).isEqualTo("file " + i);
        }
    }

    @Test
    void curlMultiplexesParallelTransfersOverOneConnection() throws Exception {
        start(true);
        List<String> args = new ArrayList<>(List.of(
                "--http2", "--parallel", "--parallel-max", "20",
                "-w", "%{http_code} %{http_version} %{num_connects}\\n"));
        for (int i = 0; i < 20; i++) {
            args.add("-o");
            args.add("/dev/null");
            args.add(edge.httpsUri("/f" + i + ".txt").toString());
        }
        // (in parallel mode curl 7.88 draws its progress meter even with -s: keep only the -w lines)
        List<String> lines = curl(args.toArray(String[]::new)).lines()
                .filter(l -> l.matches("\\d{3} [0-9.]+ \\d+"))
                .toList();
        assertThat(lines).hasSize(20).allMatch(l -> l.startsWith("200 2 "));
        // one connection made, every other transfer multiplexed onto it
        assertThat(lines.stream().mapToInt(l -> Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1))).sum())
                .isEqualTo(1);
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sSk"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
