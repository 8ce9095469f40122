package dev.webstack.edge.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.FilesConfig;
import dev.webstack.edge.file.EdgeClients.Clients;
import dev.webstack.edge.file.EdgeClients.Transport;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A browser revalidating a cached file gets 304 when it still has the current version: ETag and
 * Last-Modified on every file, If-None-Match (weak comparison, lists, {@code *}) deciding before
 * If-Modified-Since (RFC 9110 §13.2.2).
 */
class StaticFileConditionalGetTest {
    private static final FilesConfig FILES = new FilesConfig(
            Duration.ofMillis(50), 64 * 1024, 64L << 20, true, 1024, 8 << 20, FilesConfig.DEFAULT_GZIP_TYPES);
    /** A Wednesday, with a fraction of a second that HTTP dates cannot carry. */
    private static final Instant MTIME = Instant.parse("2024-05-15T12:00:00.250Z");
    private static final String LAST_MODIFIED = "Wed, 15 May 2024 12:00:00 GMT";
    private static final byte[] PAGE = "<!DOCTYPE html><title>page</title><p>cached by browsers</p>\n".repeat(30).getBytes(UTF_8);

    @TempDir
    static Path base;

    private static Path root;
    private static TestEdge edge;
    private static Clients clients;
    private static String etag;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(base.resolve("site"));
        Files.write(root.resolve("page.html"), PAGE);
        Files.setLastModifiedTime(root.resolve("page.html"), FileTime.from(MTIME));
        edge = new TestEdge(base.resolve("data")).site(root, "127.0.0.1", "localhost").files(FILES).start();
        clients = new Clients(edge);
        etag = clients.get("/page.html").headers().firstValue("etag").orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void everyFileHasAStrongEtagAndItsLastModified() {
        HttpResponse<byte[]> r = clients.get("/page.html");

        assertThat(r.statusCode()).isEqualTo(200);
        // nginx's form: hex mtime seconds, hex size.
        String expected = "\"" + Long.toHexString(MTIME.getEpochSecond()) + "-" + Long.toHexString(PAGE.length) + "\"";
        assertThat(r.headers().firstValue("etag")).hasValue(expected);
        assertThat(r.headers().firstValue("last-modified")).hasValue(LAST_MODIFIED);
    }

    @Test
    void sameTagIsNotModifiedWithNoBody() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            // Pipelined: a body after the 304 would garble the next response.
            raw.send("GET /page.html HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: " + etag + "\r\n\r\n"
                    + "GET /page.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttpClient.Response notModified = raw.read();
            RawHttpClient.Response full = raw.read();

            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.header("etag")).isEqualTo(etag);
            assertThat(notModified.header("last-modified")).isEqualTo(LAST_MODIFIED);
            assertThat(notModified.header("content-length")).isIn(null, "0");
            assertThat(notModified.header("transfer-encoding")).isNull();
            assertThat(full.status()).isEqualTo(200);
            assertThat(full.body()).isEqualTo(PAGE);
        }
    }

    @ParameterizedTest(name = "If-None-Match: {0}")
    @ValueSource(strings = {"TAG", "\"other\", TAG", "\"a\",TAG,\"b\"", "W/TAG", "W/\"other\", W/TAG", "*"})
    void matchingIfNoneMatchIsNotModified(String header) {
        HttpResponse<byte[]> r = clients.get("/page.html", "If-None-Match", header.replace("TAG", etag));

        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("etag")).hasValue(etag);
    }

    @ParameterizedTest(name = "If-None-Match: {0}")
    @ValueSource(strings = {"\"other\"", "W/\"other\", \"0-0\"", "TAGx", "\"\""})
    void otherIfNoneMatchGetsTheFile(String header) {
        HttpResponse<byte[]> r = clients.get("/page.html", "If-None-Match", header.replace("TAG", etag.replace("\"", "")));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(PAGE);
    }

    @ParameterizedTest(name = "If-Modified-Since: {0}")
    @ValueSource(strings = {LAST_MODIFIED, "Wednesday, 15-May-24 12:00:00 GMT", "Wed May 15 12:00:00 2024", "Thu, 16 May 2024 00:00:00 GMT"})
    void ifModifiedSinceAtOrAfterLastModifiedIsNotModified(String since) {
        HttpResponse<byte[]> r = clients.get("/page.html", "If-Modified-Since", since);

        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("last-modified")).hasValue(LAST_MODIFIED);
    }

    @ParameterizedTest(name = "If-Modified-Since: {0}")
    @ValueSource(strings = {"Wed, 15 May 2024 11:59:59 GMT", "Mon, 01 Jan 2024 00:00:00 GMT", "not a date"})
    void ifModifiedSinceBeforeLastModifiedGetsTheFile(String since) {
        HttpResponse<byte[]> r = clients.get("/page.html", "If-Modified-Since", since);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(PAGE);
    }

    @Test
    void nonMatchingIfNoneMatchWinsOverMatchingIfModifiedSince() {
        HttpResponse<byte[]> r = clients.get(
                "/page.html", "If-None-Match", "\"other\"", "If-Modified-Since", LAST_MODIFIED);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(PAGE);
    }

    @Test
    void matchingIfNoneMatchWinsOverOldIfModifiedSince() {
        HttpResponse<byte[]> r = clients.get(
                "/page.html", "If-None-Match", etag, "If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT");

        assertThat(r.statusCode()).isEqualTo(304);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void notModifiedOverEveryTransport(Transport transport) {
        HttpResponse<byte[]> r = clients.get(transport, "/page.html", "If-None-Match", etag);

        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("etag")).hasValue(etag);
        // The connection stays usable after a bodiless answer.
        assertThat(clients.get(transport, "/page.html").body()).isEqualTo(PAGE);
    }

    @Test
    void headWithMatchingTagIsNotModified() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("HEAD /page.html HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: " + etag + "\r\n\r\n"
                    + "GET /page.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            assertThat(raw.read(true).status()).isEqualTo(304);
            assertThat(raw.read().body()).isEqualTo(PAGE);
        }
    }

    @Test
    void changedFileNoLongerMatchesItsOldTag() throws Exception {
        Path file = root.resolve("edited.html");
        Files.writeString(file, "<p>first</p>\n");
        String oldTag = clients.get("/edited.html").headers().firstValue("etag").orElseThrow();

        Files.writeString(file, "<p>second, longer</p>\n");
        HttpResponse<byte[]> r = clients.getUntil(
                "/edited.html", x -> x.statusCode() == 200 && !x.headers().firstValue("etag").orElseThrow().equals(oldTag),
                Duration.ofSeconds(30));
        HttpResponse<byte[]> revalidated = clients.get("/edited.html", "If-None-Match", oldTag);

        assertThat(new String(r.body(), UTF_8)).isEqualTo("<p>second, longer</p>\n");
        assertThat(revalidated.statusCode()).isEqualTo(200);
        assertThat(new String(revalidated.body(), UTF_8)).isEqualTo("<p>second, longer</p>\n");
    }
}
