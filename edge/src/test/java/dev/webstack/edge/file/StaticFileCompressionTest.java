package dev.webstack.edge.file;

import static dev.webstack.edge.file.EdgeClients.brotliStored;
import static dev.webstack.edge.file.EdgeClients.css;
import static dev.webstack.edge.file.EdgeClients.gunzip;
import static dev.webstack.edge.file.EdgeClients.gzip;
import static dev.webstack.edge.file.EdgeClients.randomBytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.FilesConfig;
import dev.webstack.edge.file.EdgeClients.Clients;
import dev.webstack.edge.file.EdgeClients.CurlResponse;
import dev.webstack.edge.file.EdgeClients.Transport;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Text goes compressed to clients that accept it, like nginx's gzip and gzip_static (plus brotli
 * siblings): on-the-fly gzip above a minimum size for text types only, precompressed {@code .br}
 * and {@code .gz} siblings preferred, {@code Vary: Accept-Encoding}, a weakened ETag for what the
 * edge compressed itself.
 */
class StaticFileCompressionTest {
    private static final FilesConfig FILES = new FilesConfig(
            Duration.ofSeconds(1), 4 * 1024, 64L << 20, true, 1024, 8 << 20, FilesConfig.DEFAULT_GZIP_TYPES);
    private static final byte[] STYLE = css(4096).getBytes(UTF_8);
    private static final byte[] TINY = css(200).getBytes(UTF_8);
    private static final byte[] BIG_CSS = css(200 * 1024).getBytes(UTF_8);
    private static final byte[] APP = ("export function greet(name) {\n  return `hello ${name}`;\n}\n").repeat(100).getBytes(UTF_8);
    private static final byte[] APP_BR = brotliStored(APP);
    private static final byte[] APP_GZ = gzip(APP);
    private static final byte[] TEXT = css(3000).getBytes(UTF_8);

    @TempDir
    static Path base;

    private static TestEdge edge;
    private static Clients clients;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(base.resolve("site"));
        Files.write(root.resolve("style.css"), STYLE);
        Files.write(root.resolve("tiny.css"), TINY);
        Files.write(root.resolve("big.css"), BIG_CSS);
        for (Transport t : Transport.values()) {
            Files.write(root.resolve("big-" + t + ".css"), BIG_CSS);
        }
        Files.write(root.resolve("app.js"), APP);
        Files.write(root.resolve("app.js.br"), APP_BR);
        Files.write(root.resolve("app.js.gz"), APP_GZ);
        for (String name : new String[] {"page.html", "data.json", "icon.svg", "notes.txt", "lib.js"}) {
            Files.write(root.resolve(name), TEXT);
        }
        for (String name : new String[] {"photo.png", "photo.jpg", "font.woff2", "clip.mp4", "blob.xyz"}) {
            Files.write(root.resolve(name), randomBytes(4096, name.hashCode()));
        }
        edge = new TestEdge(base.resolve("data")).site(root, "127.0.0.1", "localhost").files(FILES).start();
        clients = new Clients(edge);
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void textIsGzippedForAClientThatAcceptsIt(Transport transport) {
        HttpResponse<byte[]> r = clients.get(transport, "/style.css", "Accept-Encoding", "gzip");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(r.headers().allValues("vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Accept-Encoding"));
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(r.headers().firstValue("etag")).hasValueSatisfying(t -> assertThat(t).startsWith("W/\""));
        assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(r.body().length));
        assertThat(r.body().length).isLessThan(STYLE.length);
        assertThat(gunzip(r.body())).isEqualTo(STYLE);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void bigTextFileFromDiskIsCorrectWhileCompressedAndGzippedOnceReady(Transport transport) {
        String path = "/big-" + transport + ".css"; // a file of its own: its first response is the one in question
        HttpResponse<byte[]> first = clients.get(transport, path, "Accept-Encoding", "gzip");

        // A file above memory-cache-max-file is compressed in the background: until then it goes
        // as is. Either way the headers must describe the body that was sent.
        assertThat(first.statusCode()).isEqualTo(200);
        if (first.headers().firstValue("content-encoding").isPresent()) {
            assertThat(first.headers().firstValue("etag")).hasValueSatisfying(t -> assertThat(t).startsWith("W/"));
            assertThat(gunzip(first.body())).isEqualTo(BIG_CSS);
        } else {
            assertThat(first.headers().firstValue("etag")).hasValueSatisfying(t -> assertThat(t).startsWith("\""));
            assertThat(first.headers().firstValue("content-length")).hasValue(String.valueOf(BIG_CSS.length));
            assertThat(first.body()).isEqualTo(BIG_CSS);
        }
        HttpResponse<byte[]> gzipped = clients.getUntil(transport, path,
                r -> r.headers().firstValue("content-encoding").isPresent(), Duration.ofSeconds(30),
                "Accept-Encoding", "gzip");

        assertThat(gzipped.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gzipped.headers().firstValue("content-length")).hasValue(String.valueOf(gzipped.body().length));
        assertThat(gunzip(gzipped.body())).isEqualTo(BIG_CSS);
    }

    @Test
    void withoutAcceptEncodingTextGoesAsIsAndStillVaries() {
        HttpResponse<byte[]> r = clients.get("/style.css");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.headers().allValues("vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Accept-Encoding"));
        assertThat(r.headers().firstValue("etag")).hasValueSatisfying(t -> assertThat(t).startsWith("\""));
        assertThat(r.body()).isEqualTo(STYLE);
    }

    @ParameterizedTest(name = "Accept-Encoding: {0}")
    @ValueSource(strings = {"gzip;q=0", "GZIP;Q=0", "identity", "deflate", "br", "gzip;q=0, *", "*;q=0", "x-gzip-not"})
    void codingsOtherThanGzipGetTheTextAsIs(String acceptEncoding) {
        HttpResponse<byte[]> r = clients.get("/style.css", "Accept-Encoding", acceptEncoding);

        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.body()).isEqualTo(STYLE);
    }

    @ParameterizedTest(name = "Accept-Encoding: {0}")
    @ValueSource(strings = {"gzip", "GZIP", "deflate, gzip;q=0.5", "gzip;q=1.0, identity;q=0.1", "*", "br;q=1, gzip;q=0.2"})
    void anyAcceptanceOfGzipGetsGzip(String acceptEncoding) {
        HttpResponse<byte[]> r = clients.get("/style.css", "Accept-Encoding", acceptEncoding);

        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gunzip(r.body())).isEqualTo(STYLE);
    }

    @Test
    void fileBelowTheGzipMinimumGoesAsIs() {
        assertThat(TINY.length).isLessThan(FILES.gzipMinLength());

        HttpResponse<byte[]> r = clients.get("/tiny.css", "Accept-Encoding", "gzip");

        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.body()).isEqualTo(TINY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"page.html", "data.json", "icon.svg", "notes.txt", "lib.js"})
    void textTypesAreGzipped(String name) {
        HttpResponse<byte[]> r = clients.get("/" + name, "Accept-Encoding", "gzip");

        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gunzip(r.body())).isEqualTo(TEXT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"photo.png", "photo.jpg", "font.woff2", "clip.mp4", "blob.xyz"})
    void mediaAndBinariesAreNeverGzipped(String name) {
        HttpResponse<byte[]> r = clients.get("/" + name, "Accept-Encoding", "gzip, deflate, br");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.body()).isEqualTo(randomBytes(4096, name.hashCode()));
    }

    static Stream<Arguments> precompressed() {
        return Stream.of(
                Arguments.of("gzip, br", "br", APP_BR),
                Arguments.of("br", "br", APP_BR),
                Arguments.of("gzip, deflate, br, zstd", "br", APP_BR),
                Arguments.of("gzip", "gzip", APP_GZ),
                Arguments.of("br;q=0, gzip", "gzip", APP_GZ),
                Arguments.of("identity", "", APP),
                Arguments.of("deflate", "", APP));
    }

    @ParameterizedTest(name = "Accept-Encoding: {0} -> {1}")
    @MethodSource("precompressed")
    void precompressedSiblingIsPreferred(String acceptEncoding, String coding, byte[] expected) {
        HttpResponse<byte[]> r = clients.get("/app.js", "Accept-Encoding", acceptEncoding);

        assertThat(r.statusCode()).isEqualTo(200);
        if (coding.isEmpty()) {
            assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        } else {
            assertThat(r.headers().firstValue("content-encoding")).hasValue(coding);
        }
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(r.headers().allValues("vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Accept-Encoding"));
        assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(expected.length));
        assertThat(r.body()).isEqualTo(expected);
    }

    @Test
    void eachRepresentationHasItsOwnTag() {
        String br = clients.get("/app.js", "Accept-Encoding", "br").headers().firstValue("etag").orElseThrow();
        String gz = clients.get("/app.js", "Accept-Encoding", "gzip").headers().firstValue("etag").orElseThrow();
        String plain = clients.get("/app.js").headers().firstValue("etag").orElseThrow();

        assertThat(br).isNotEqualTo(gz).isNotEqualTo(plain);
        assertThat(gz).isNotEqualTo(plain);
    }

    static Stream<Arguments> curlCases() {
        return Stream.of("/style.css", "/app.js", "/big.css")
                .flatMap(p -> Stream.of(Arguments.of(p, "--http1.1", false), Arguments.of(p, "--http2", true)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("curlCases")
    void curlCompressedGetsTheOriginalContent(String path, String protocolFlag, boolean tls) throws Exception {
        String url = (tls ? edge.httpsUri(path) : edge.httpUri(path)).toString();
        // A big file is gzipped in the background after its first request: wait until it is ready.
        clients.getUntil(Transport.PLAIN_HTTP1, path, x -> x.headers().firstValue("content-encoding").isPresent(),
                Duration.ofSeconds(30), "Accept-Encoding", "gzip, br");
        CurlResponse r = EdgeClients.curl(base, "--compressed", protocolFlag, "--cacert", edge.certificate().toString(), url);

        byte[] expected = path.equals("/app.js") ? APP : path.equals("/big.css") ? BIG_CSS : STYLE;
        assertThat(r.status()).isEqualTo(200);
        // curl offers br and gzip: the .br sibling where there is one, gzip made on the fly otherwise.
        assertThat(r.header("content-encoding")).isEqualTo(path.equals("/app.js") ? "br" : "gzip");
        assertThat(r.body()).isEqualTo(expected);
    }

    @Test
    void gzippedResponseRevalidatesWithItsWeakTag() {
        String tag = clients.get("/style.css", "Accept-Encoding", "gzip").headers().firstValue("etag").orElseThrow();

        HttpResponse<byte[]> r = clients.get("/style.css", "Accept-Encoding", "gzip", "If-None-Match", tag);

        assertThat(tag).startsWith("W/");
        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().allValues("vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Accept-Encoding"));
    }

    @ParameterizedTest
    @CsvSource({"/style.css, gzip", "/app.js, 'gzip, br'", "/app.js, gzip"})
    void headOfACompressedResponseMatchesItsGet(String path, String acceptEncoding) throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            String headers = "Host: 127.0.0.1\r\nAccept-Encoding: " + acceptEncoding + "\r\n\r\n";
            raw.send("HEAD " + path + " HTTP/1.1\r\n" + headers + "GET " + path + " HTTP/1.1\r\n" + headers);
            RawHttpClient.Response head = raw.read(true);
            RawHttpClient.Response get = raw.read();

            assertThat(withoutDate(head.headers())).isEqualTo(withoutDate(get.headers()));
            assertThat(head.header("content-length")).isEqualTo(String.valueOf(get.body().length));
            assertThat(get.header("content-encoding")).isNotNull();
        }
    }

    private static Map<String, String> withoutDate(Map<String, String> headers) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.remove("date");
        return copy;
    }
}
