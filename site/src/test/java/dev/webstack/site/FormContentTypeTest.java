package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Form posts are {@code application/x-www-form-urlencoded} in UTF-8 and nothing else: any other body is refused
 * with 415 before a byte of it is parsed (no multipart parser, no temporary files), a body that cannot be decoded
 * is a 400, and a chunked body over the limit a 413: styled pages, never a 500.
 */
class FormContentTypeTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "text/plain",
        "application/json",
        "multipart/form-data",
        "multipart/form-data; boundary=xyz",
        "application/x-www-form-urlencoded; charset=bogus",
        "application/x-www-form-urlencoded; charset=iso-8859-1",
        "application/x-www-form-urlencoded; charset",
        "application/x-www-form-urlencoded; charset=",
        "application/x-www-form-urlencoded-not",
    })
    void otherContentTypesAreRefusedWith415(String contentType) throws Exception {
        HttpResponse<String> response = post("/login", contentType, "username=a&password=b&_csrf=c");

        assertThat(response.statusCode()).as(contentType).isEqualTo(415);
        assertThat(response.body()).contains("class=\"site-header\"", "Unsupported content type",
                "application/x-www-form-urlencoded");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=UTF-8",
        "Application/X-WWW-Form-Urlencoded;charset=\"utf-8\"",
    })
    void urlencodedUtf8FormsReachTheCsrfCheck(String contentType) throws Exception {
        HttpResponse<String> response = post("/login", contentType, "username=a&password=b&_csrf=c");

        assertThat(response.statusCode()).as(contentType).isEqualTo(403);
    }

    /** Jetty throws on a charset the JDK does not know; the API's content-type check must not trip over it. */
    @Test
    void anUnknownCharsetOnAnApiCallIsNoError() {
        Browser member = SITE.member("charset");
        HttpResponse<String> response = member.api("POST", "/api/posts", "{\"title\":\"t\",\"body\":\"b\"}",
                member.apiToken(), "application/json; charset=bogus");
        assertThat(response.statusCode()).isIn(201, 400, 415);
    }

    /**
     * Bodies that end before they should or break the chunked framing: the site is answering a client that made a
     * mistake (400), not failing (500). Raw sockets, since no well-behaved client sends these.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: 100\r\n\r\nusername=a",
        "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\n10\r\nabc",
    })
    void aBodyThatCannotBeReadIsA400(String framingAndBody) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", SITE.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n" + framingAndBody)
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.shutdownOutput(); // the body ends here, whatever its framing promised

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).as(framingAndBody).startsWith("HTTP/1.1 400 ")
                    .contains("class=\"site-header\"", "Bad request");
        }
    }

    /** The attack from the review: megabytes of chunked multipart, no cookie; the parser never sees them. */
    @Test
    void chunkedMultipartIsRefusedQuicklyAndLeavesNoTemporaryFile() throws Exception {
        try (TmpdirWatch watch = new TmpdirWatch()) {
            Zeros file = new Zeros(3L * 1024 * 1024);
            long start = System.nanoTime();
            HttpResponse<String> response = CLIENT.sendAsync(multipart(file), HttpResponse.BodyHandlers.ofString())
                    .get(20, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(response.statusCode()).isEqualTo(415);
            assertThat(response.body()).contains("class=\"site-header\"", "Unsupported content type");
            assertThat(response.headers().firstValue("Connection")).hasValue("close");
            assertThat(millis).as("answered quickly").isLessThan(10_000);
            watch.assertNoNewFiles();
        }
    }

    /**
     * Past what the site reads and discards before answering (4 MiB), it closes the connection: the client may
     * see the 415 or only the close, but the body is never read to its end.
     */
    @Test
    void aHugeChunkedMultipartIsNotReadToItsEnd() throws Exception {
        try (TmpdirWatch watch = new TmpdirWatch()) {
            Zeros file = new Zeros(256L * 1024 * 1024);
            try {
                HttpResponse<String> response = CLIENT.sendAsync(multipart(file), HttpResponse.BodyHandlers.ofString())
                        .get(20, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(415);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(IOException.class);
            }
            assertThat(file.handedOut()).as("bytes the client got to send").isLessThan(64L * 1024 * 1024);
            watch.assertNoNewFiles();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {300 * 1024, 3 * 1024 * 1024})
    void aChunkedFormOverTheLimitIsA413(int size) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/login"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(bytes("title="),
                        new Zeros(size))))
                .build();

        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("class=\"site-header\"", "Too large");
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!contentType.isEmpty()) {
            builder.header("Content-Type", contentType);
        }
        return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest multipart(Zeros file) {
        String head = "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--xyz--\r\n";
        return HttpRequest.newBuilder(uri("/login"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                // no length: the body goes chunked, as in the review
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                        new SequenceInputStream(bytes(head), file), bytes(tail))))
                .build();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + SITE.port() + path);
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Watches java.io.tmpdir for new MultiPart* files (Jetty's multipart parser spills parts there) while open,
     * polling, since the parser deletes them when the request ends.
     */
    private static final class TmpdirWatch implements AutoCloseable {

        private final Set<Path> before = multipartFiles();
        private final Set<Path> seen = ConcurrentHashMap.newKeySet();
        private final Thread watcher = new Thread(this::watch, "tmpdir-watch");

        TmpdirWatch() {
            watcher.setDaemon(true);
            watcher.start();
        }

        void assertNoNewFiles() {
            assertThat(seen).as("MultiPart* files written to %s", TMP).isEmpty();
            assertThat(multipartFiles()).isEqualTo(before);
        }

        @Override
        public void close() {
            watcher.interrupt();
            try {
                watcher.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void watch() {
            while (!Thread.currentThread().isInterrupted()) {
                multipartFiles().stream().filter(p -> !before.contains(p)).forEach(seen::add);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static Set<Path> multipartFiles() {
            try (Stream<Path> files = Files.list(TMP)) {
                return files.filter(p -> p.getFileName().toString().startsWith("MultiPart"))
                        .collect(Collectors.toSet());
            } catch (IOException e) {
                return Set.of();
            }
        }
    }

    /** n zero bytes, generated as read; counts what it has handed out. */
    private static final class Zeros extends InputStream {

        private final long size;
        private volatile long left;

        Zeros(long n) {
            this.size = n;
            this.left = n;
        }

        long handedOut() {
            return size - left;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            Arrays.fill(buffer, offset, offset + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
