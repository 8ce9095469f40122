package dev.webstack.edge.file;

import static dev.webstack.edge.file.EdgeClients.randomBytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.FilesConfig;
import dev.webstack.edge.config.SiteConfig;
import dev.webstack.edge.file.EdgeClients.Clients;
import dev.webstack.edge.file.EdgeClients.CurlResponse;
import dev.webstack.edge.file.EdgeClients.Transport;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * A site's files reach a browser the way nginx serves them: index files, the folder slash
 * redirect, 403/404/405, HEAD, media types, small files from memory and big ones from disk over
 * every transport, and a changed file served fresh once the open-file cache has expired.
 */
class StaticFileServingTest {
    /** Small enough that the 300 KiB file goes from disk (sendfile on plain HTTP), short enough to expire in a test. */
    private static final FilesConfig FILES = new FilesConfig(
            Duration.ofMillis(50), 4 * 1024, 64L << 20, true, 1024, 8 << 20, FilesConfig.DEFAULT_GZIP_TYPES);

    private static final byte[] INDEX = "<!DOCTYPE html><title>home</title><h1>home</h1>\n".getBytes(UTF_8);
    private static final byte[] SUB_INDEX = "<!DOCTYPE html><title>sub</title><h1>sub</h1>\n".getBytes(UTF_8);
    private static final byte[] BIG = randomBytes(300 * 1024, 1);
    private static final byte[] SMALL = randomBytes(1000, 2);

    @TempDir
    static Path base;

    private static Path root;
    private static TestEdge edge;
    private static Clients clients;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(base.resolve("site"));
        Files.write(root.resolve("index.html"), INDEX);
        Files.createDirectories(root.resolve("sub"));
        Files.write(root.resolve("sub/index.html"), SUB_INDEX);
        Files.createDirectories(root.resolve("empty"));
        Files.write(root.resolve("empty/readme.txt"), "no index here\n".getBytes(UTF_8));
        Files.write(root.resolve("big.bin"), BIG);
        Files.write(root.resolve("small.bin"), SMALL);
        Files.write(root.resolve("empty.txt"), new byte[0]);
        Files.write(root.resolve("with space é.txt"), "spaced\n".getBytes(UTF_8));
        Files.createDirectories(root.resolve("types"));
        for (String name : new String[] {
            "a.html", "a.css", "a.js", "a.json", "a.svg", "a.png", "a.woff2", "a.wasm", "a.mp4", "a.xyz", "noext"
        }) {
            Files.write(root.resolve("types").resolve(name), ("content of " + name).getBytes(UTF_8));
        }
        edge = new TestEdge(base.resolve("data"))
                .site(root, "127.0.0.1", "localhost")
                .site(new SiteConfig(List.of("cached.test"), Optional.of(root), "index.html",
                        Optional.of("public, max-age=3600"), Optional.empty()))
                .files(FILES)
                .start();
        clients = new Clients(edge);
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void rootServesItsIndexFile() {
        HttpResponse<byte[]> r = clients.get("/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(INDEX);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    }

    @Test
    void subfolderWithSlashServesItsIndexFile() {
        HttpResponse<byte[]> r = clients.get("/sub/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(SUB_INDEX);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"/sub, /sub/", "/sub?x=1&y=two, /sub/?x=1&y=two", "/empty, /empty/"})
    void folderWithoutSlashIsRedirectedToIt(String target, String location) {
        HttpResponse<byte[]> r = clients.get(target);

        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("location")).hasValue(location);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"//sub, /sub/", "///sub?x=1, /sub/?x=1", "//sub//, ''"})
    void doubledLeadingSlashIsNeverRedirectedToAnotherHost(String target, String location) throws Exception {
        // "//sub/" in a Location is a network-path reference: a browser would go to the host "sub".
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttpClient.Response r = raw.read();

            if (location.isEmpty()) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(SUB_INDEX);
            } else {
                assertThat(r.status()).isEqualTo(301);
                assertThat(r.header("location")).isEqualTo(location);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/with%20space%20%C3%A9.txt", "/with%20space%20%c3%a9.txt?v=2", "/sub/../with%20space%20%C3%A9.txt"})
    void percentEncodedNamesAndQueriesReachTheFile(String target) {
        HttpResponse<byte[]> r = clients.get(target);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), UTF_8)).isEqualTo("spaced\n");
    }

    @Test
    void fileUsedAsAFolderIsNotFound() {
        assertThat(clients.get("/small.bin/").statusCode()).isEqualTo(404);
        assertThat(clients.get("/small.bin/x").statusCode()).isEqualTo(404);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void emptyFileIsAnEmptyOk(Transport transport) {
        HttpResponse<byte[]> r = clients.get(transport, "/empty.txt");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-length")).hasValue("0");
        assertThat(r.body()).isEmpty();
        assertThat(clients.get(transport, "/small.bin").body()).isEqualTo(SMALL);
    }

    @Test
    void siteCacheControlIsSentWithFilesAndNotModified() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET /small.bin HTTP/1.1\r\nHost: cached.test\r\n\r\n");
            RawHttpClient.Response full = raw.read();
            raw.send("GET /small.bin HTTP/1.1\r\nHost: cached.test\r\nIf-None-Match: " + full.header("etag") + "\r\n\r\n");
            RawHttpClient.Response notModified = raw.read();

            assertThat(full.header("cache-control")).isEqualTo("public, max-age=3600");
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.header("cache-control")).isEqualTo("public, max-age=3600");
        }
        assertThat(clients.get("/small.bin").headers().firstValue("cache-control")).isEmpty();
    }

    @Test
    void folderWithoutIndexIsForbidden() {
        HttpResponse<byte[]> r = clients.get("/empty/");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(new String(r.body(), UTF_8)).contains("403").doesNotContain("readme.txt");
    }

    @Test
    void missingFileIsNotFoundWithASmallHtmlPage() {
        HttpResponse<byte[]> r = clients.get("/no/such/file.html");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(new String(r.body(), UTF_8)).contains("404 Not Found");
        assertThat(r.body().length).isBetween(1, 1024);
        assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(r.body().length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/small.bin", "/big.bin", "/types/a.css", "/missing.txt", "/sub"})
    void headHasTheHeadersOfGetAndNoBody(String path) throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            // Pipelined: any stray body byte after the HEAD response would garble the GET response.
            raw.send("HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /small.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttpClient.Response head = raw.read(true);
            RawHttpClient.Response get = raw.read();
            RawHttpClient.Response after = raw.read();

            assertThat(head.status()).isEqualTo(get.status());
            assertThat(withoutDate(head.headers())).isEqualTo(withoutDate(get.headers()));
            assertThat(head.header("content-length")).isEqualTo(String.valueOf(get.body().length));
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.body()).isEqualTo(SMALL);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void headOfABigFileGivesItsFullLengthAndNoBody(Transport transport) {
        HttpResponse<byte[]> r = clients.send(transport, "HEAD", "/big.bin");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(BIG.length));
        assertThat(r.body()).isEmpty();
        // The connection is still in step: the next request on it gets the right answer.
        assertThat(clients.get(transport, "/small.bin").body()).isEqualTo(SMALL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void otherMethodsAreNotAllowed(String method) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(edge.httpUri("/index.html"))
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofString("x=1"))
                .build();
        HttpResponse<String> r = clients.client(Transport.PLAIN_HTTP1)
                .send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(r.body()).contains("405").doesNotContain("home");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "a.html, text/html",
        "a.css, text/css",
        "a.js, text/javascript",
        "a.json, application/json",
        "a.svg, image/svg+xml",
        "a.png, image/png",
        "a.woff2, font/woff2",
        "a.wasm, application/wasm",
        "a.mp4, video/mp4",
        "a.xyz, application/octet-stream",
        "noext, application/octet-stream"
    })
    void mediaTypeComesFromTheExtension(String name, String mediaType) {
        HttpResponse<byte[]> r = clients.get("/types/" + name);

        assertThat(r.statusCode()).isEqualTo(200);
        String contentType = r.headers().firstValue("content-type").orElseThrow();
        assertThat(contentType.split(";")[0].trim()).isEqualTo(mediaType);
        assertThat(r.body()).isEqualTo(("content of " + name).getBytes(UTF_8));
    }

    static Stream<Arguments> filesOverEveryTransport() {
        return Stream.of(Transport.values())
                .flatMap(t -> Stream.of(Arguments.of(t, "/big.bin"), Arguments.of(t, "/small.bin")));
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("filesOverEveryTransport")
    void fileIsServedByteIdentical(Transport transport, String path) {
        byte[] expected = path.equals("/big.bin") ? BIG : SMALL;

        HttpResponse<byte[]> r = clients.get(transport, path);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(expected.length));
        assertThat(r.body()).isEqualTo(expected);
    }

    @Test
    void bigFileIsBiggerThanTheMemoryCacheLimit() {
        // The premise of the from-disk cases above: the 300 KiB file is never held in memory.
        assertThat(BIG.length).isGreaterThan(FILES.memoryCacheMaxFile());
        assertThat(SMALL.length).isLessThanOrEqualTo(FILES.memoryCacheMaxFile());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/big.bin", "/small.bin"})
    void curlOverHttp2GetsTheFileByteIdentical(String path) throws Exception {
        byte[] expected = path.equals("/big.bin") ? BIG : SMALL;

        CurlResponse r = EdgeClients.curl(base, "--http2", "--cacert", edge.certificate().toString(),
                edge.httpsUri(path).toString());

        assertThat(r.protocol()).isEqualTo("HTTP/2");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(expected);
    }

    @Test
    void curlOverPlainHttpGetsTheBigFileByteIdentical() throws Exception {
        CurlResponse r = EdgeClients.curl(base, "--http1.1", edge.httpUri("/big.bin").toString());

        assertThat(r.protocol()).isEqualTo("HTTP/1.1");
        assertThat(r.body()).isEqualTo(BIG);
    }

    @Test
    void smallFileChangedOnDiskIsServedFreshOnceTheCacheExpires() throws Exception {
        Path file = root.resolve("changing-small.txt");
        byte[] one = "version one\n".getBytes(UTF_8);
        byte[] two = "version two\n".getBytes(UTF_8); // the same size: only the mtime tells them apart
        Files.write(file, one);
        HttpResponse<byte[]> first = clients.get("/changing-small.txt");
        assertThat(first.body()).isEqualTo(one);

        FileTime before = Files.getLastModifiedTime(file);
        Files.write(file, two);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 5_000));
        HttpResponse<byte[]> fresh =
                clients.getUntil("/changing-small.txt", r -> Arrays.equals(r.body(), two), Duration.ofSeconds(30));

        assertThat(fresh.body()).isEqualTo(two);
        assertThat(fresh.headers().firstValue("etag")).isNotEqualTo(first.headers().firstValue("etag"));
        assertThat(fresh.headers().firstValue("last-modified")).isNotEqualTo(first.headers().firstValue("last-modified"));
    }

    @Test
    void bigFileChangedOnDiskIsServedFreshOnceTheCacheExpires() throws Exception {
        Path file = root.resolve("changing-big.bin");
        byte[] one = randomBytes(200 * 1024, 10);
        byte[] two = randomBytes(210 * 1024, 11);
        Files.write(file, one);
        assertThat(clients.get("/changing-big.bin").body()).isEqualTo(one);

        Files.write(file, two);
        HttpResponse<byte[]> fresh =
                clients.getUntil("/changing-big.bin", r -> Arrays.equals(r.body(), two), Duration.ofSeconds(30));

        assertThat(fresh.body()).isEqualTo(two);
        assertThat(fresh.headers().firstValue("content-length")).hasValue(String.valueOf(two.length));
    }

    @Test
    void fileCreatedAfterA404IsServedOnceTheCacheExpires() throws Exception {
        assertThat(clients.get("/appears-later.txt").statusCode()).isEqualTo(404);

        Files.writeString(root.resolve("appears-later.txt"), "here now\n");
        HttpResponse<byte[]> r = clients.getUntil("/appears-later.txt", x -> x.statusCode() == 200, Duration.ofSeconds(30));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), UTF_8)).isEqualTo("here now\n");
    }

    @Test
    void deletedFileIsNotFoundOnceTheCacheExpires() throws Exception {
        Path file = root.resolve("goes-away.txt");
        Files.writeString(file, "soon gone\n");
        assertThat(clients.get("/goes-away.txt").statusCode()).isEqualTo(200);

        Files.delete(file);
        HttpResponse<byte[]> r = clients.getUntil("/goes-away.txt", x -> x.statusCode() == 404, Duration.ofSeconds(30));

        assertThat(r.statusCode()).isEqualTo(404);
    }

    private static Map<String, String> withoutDate(Map<String, String> headers) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.remove("date");
        return copy;
    }
}
