package dev.webstack.edge.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.RawHttpClient.Response;
import dev.webstack.edge.TestEdge;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logs/access.log} in nginx's combined format: one line per request, error pages and refused
 * requests included, with client-sent fields escaped so that no line can be forged.
 */
class AccessLogTest {
    private static final String HOST = "www.a.test";
    private static final String PAGE = "<p>hello</p>\n";
    /** nginx combined: $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" */
    private static final Pattern COMBINED = Pattern.compile(
            "(?<addr>[0-9a-f.:]+) - - \\[(?<time>\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4})] "
                    + "\"(?<request>[^\"]*)\" (?<status>\\d{3}) (?<bytes>\\d+) \"(?<referer>[^\"]*)\" \"(?<agent>[^\"]*)\"");

    @TempDir
    Path tmp;

    private TestEdge edge;

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(root.resolve("index.html"), PAGE);
        edge = new TestEdge(tmp.resolve("data")).site(root, HOST).start();
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    @Test
    void oneCombinedLinePerRequest() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> ok = client.send(
                HttpRequest.newBuilder(edge.httpUri("/?q=1"))
                        .header("Host", HOST)
                        .header("Referer", "http://ref.test/from")
                        .header("User-Agent", "test-agent/1.0 (x)")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> missing = client.send(
                HttpRequest.newBuilder(edge.httpUri("/missing")).header("Host", HOST).header("User-Agent", "b").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> head = client.send(
                HttpRequest.newBuilder(edge.httpUri("/"))
                        .header("Host", HOST)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(head.statusCode()).isEqualTo(200);

        List<Matcher> lines = awaitLines(3);
        assertLine(lines.get(0), "GET /?q=1 HTTP/1.1", 200, PAGE.length(), "http://ref.test/from", "test-agent/1.0 (x)");
        assertLine(lines.get(1), "GET /missing HTTP/1.1", 404, missing.body().length(), "-", "b");
        assertLine(lines.get(2), "HEAD / HTTP/1.1", 200, 0, "-", "Java-http-client/" + System.getProperty("java.version"));
        assertThat(lines.get(0).group("addr")).isEqualTo("127.0.0.1");
    }

    @Test
    void pipelinedRequestsAreLoggedInOrder() throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            String request = "GET /%s HTTP/1.1\r\nHost: " + HOST + "\r\nUser-Agent: pipe\r\n\r\n";
            c.send(String.format(request, "a") + String.format(request, "") + String.format(request, "c"));
            for (int i = 0; i < 3; i++) {
                c.read();
            }
        }
        List<Matcher> lines = awaitLines(3);
        assertThat(lines).extracting(m -> m.group("request") + " " + m.group("status"))
                .containsExactly("GET /a HTTP/1.1 404", "GET / HTTP/1.1 200", "GET /c HTTP/1.1 404");
    }

    @Test
    void quotesAndControlCharactersAreEscaped() throws Exception {
        // Without escaping, this agent would close the quoted field and write fields of its own.
        String agent = "evil\" 200 1 \"-\" \"x\tz\\";
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nUser-Agent: " + agent
                            + "\r\nReferer: http://r.test/\"q\"\r\n\r\n")
                    .read();
            assertThat(r.status()).isEqualTo(200);
        }
        List<Matcher> lines = awaitLines(1);
        Matcher line = lines.get(0);
        assertThat(line.group("agent")).isEqualTo("evil\\x22 200 1 \\x22-\\x22 \\x22x\\x09z\\x5C");
        assertThat(line.group("referer")).isEqualTo("http://r.test/\\x22q\\x22");
        assertThat(line.group("status")).isEqualTo("200");
    }

    @Test
    void malformedRequestsAreLoggedWithTheirStatus() throws Exception {
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            assertThat(c.send("GET / HTTP/1.1\r\n\r\n").read().status()).isEqualTo(400); // no Host
        }
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            Response r = c.send("POST / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 1\r\nContent-Length: 2\r\n"
                            + "User-Agent: smuggler\r\n\r\n")
                    .read();
            assertThat(r.status()).isEqualTo(400);
        }
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            assertThat(c.send("\u0001\u0002garbage\r\n\r\n").read().status()).isEqualTo(400);
        }
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            assertThat(c.send("GET / HTTP/3.0\r\nHost: " + HOST + "\r\n\r\n").read().status()).isEqualTo(505);
        }
        List<Matcher> lines = awaitLines(4);
        assertThat(lines.get(0).group("request")).isEqualTo("GET / HTTP/1.1");
        assertThat(lines.get(0).group("status")).isEqualTo("400");
        assertThat(lines.get(1).group("request")).isEqualTo("POST / HTTP/1.1");
        assertThat(lines.get(1).group("status")).isEqualTo("400");
        assertThat(lines.get(2).group("request")).isEqualTo("-"); // no request line could be read
        assertThat(lines.get(2).group("status")).isEqualTo("400");
        assertThat(lines.get(3).group("status")).isEqualTo("505");
        for (Matcher m : lines) {
            assertThat(Long.parseLong(m.group("bytes"))).isPositive(); // the error page
        }
    }

    @Test
    void http2RequestsAreLoggedAsHttp2() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .sslContext(edge.trustingSslContext())
                .build();
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(edge.httpsUri("/")).header("User-Agent", "h2-agent").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        Matcher line = awaitLines(1).get(0);
        assertThat(line.group("request")).isEqualTo("GET / HTTP/2.0");
        assertThat(line.group("status")).isEqualTo("404"); // 127.0.0.1 is no site here
        assertThat(line.group("agent")).isEqualTo("h2-agent");
        assertThat(line.group("addr")).isEqualTo("127.0.0.1");
    }

    @Test
    void linesAreWrittenWhileTheServerRuns() throws Exception {
        // Each new request shows up in the file without a restart (flushed when the queue runs dry).
        for (int i = 1; i <= 3; i++) {
            try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
                c.send("GET /n" + i + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read();
            }
            assertThat(awaitLines(i).get(i - 1).group("request")).isEqualTo("GET /n" + i + " HTTP/1.1");
        }
    }

    private static void assertLine(Matcher m, String request, int status, long bytes, String referer, String agent) {
        assertThat(m.group("request")).isEqualTo(request);
        assertThat(m.group("status")).isEqualTo(String.valueOf(status));
        assertThat(m.group("bytes")).isEqualTo(String.valueOf(bytes));
        assertThat(m.group("referer")).isEqualTo(referer);
        assertThat(m.group("agent")).isEqualTo(agent);
    }

    /** Waits (bounded) until the log has {@code count} lines, then checks every line is a combined one. */
    private List<Matcher> awaitLines(int count) throws IOException {
        List<String> lines = edge.accessLogLines(count);
        assertThat(lines).as("access log lines").hasSize(count);
        return lines.stream()
                .map(l -> {
                    Matcher m = COMBINED.matcher(l);
                    assertThat(m.matches()).as("combined format: %s", l).isTrue();
                    return m;
                })
                .toList();
    }
}
