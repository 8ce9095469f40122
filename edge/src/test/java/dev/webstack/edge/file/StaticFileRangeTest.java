package dev.webstack.edge.file;

import static dev.webstack.edge.file.EdgeClients.randomBytes;
import static java.nio.charset.StandardCharsets.US_ASCII;
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
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A download manager or a video player asks for part of a file: one byte range gets 206 with the
 * exact bytes, an unsatisfiable one 416, anything else the whole file; If-Range guards against
 * mixing two versions. Small files come from memory, big ones from disk over every transport.
 */
class StaticFileRangeTest {
    private static final FilesConfig FILES = new FilesConfig(
            Duration.ofSeconds(1), 4 * 1024, 64L << 20, true, 1024, 8 << 20, FilesConfig.DEFAULT_GZIP_TYPES);
    private static final byte[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(US_ASCII);
    private static final int N = ALPHABET.length;
    private static final byte[] BIG = randomBytes(300 * 1024, 7);
    private static final Instant MTIME = Instant.parse("2024-05-15T12:00:00Z");
    private static final String LAST_MODIFIED = "Wed, 15 May 2024 12:00:00 GMT";

    @TempDir
    static Path base;

    private static TestEdge edge;
    private static Clients clients;
    private static String etag;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(base.resolve("site"));
        Files.write(root.resolve("alphabet.bin"), ALPHABET);
        Files.setLastModifiedTime(root.resolve("alphabet.bin"), FileTime.from(MTIME));
        Files.write(root.resolve("alphabet.txt"), ALPHABET); // compressible: ranges still go uncompressed
        Files.write(root.resolve("big.bin"), BIG);
        edge = new TestEdge(base.resolve("data")).site(root, "127.0.0.1", "localhost").files(FILES).start();
        clients = new Clients(edge);
        etag = clients.get("/alphabet.bin").headers().firstValue("etag").orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void fullResponseAdvertisesByteRanges() {
        assertThat(clients.get("/alphabet.bin").headers().firstValue("accept-ranges")).hasValue("bytes");
    }

    @ParameterizedTest(name = "{0} -> {1}-{2}")
    @CsvSource({
        "bytes=0-9, 0, 9",
        "bytes=10-, 10, 35",
        "bytes=-5, 31, 35",
        "bytes=30-1000, 30, 35",
        "bytes=35-35, 35, 35",
        "bytes=0-, 0, 35",
        "bytes=-100, 0, 35",
        "BYTES=3-4, 3, 4",
    })
    void oneRangeIsPartialContent(String range, int first, int last) {
        HttpResponse<byte[]> r = clients.get("/alphabet.bin", "Range", range);

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("content-range")).hasValue("bytes " + first + "-" + last + "/" + N);
        assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(last - first + 1));
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(ALPHABET, first, last + 1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bytes=36-", "bytes=36-40", "bytes=1000-2000", "bytes=-0"})
    void rangePastTheEndIsNotSatisfiable(String range) {
        HttpResponse<byte[]> r = clients.get("/alphabet.bin", "Range", range);

        assertThat(r.statusCode()).isEqualTo(416);
        assertThat(r.headers().firstValue("content-range")).hasValue("bytes */" + N);
        assertThat(new String(r.body(), US_ASCII)).contains("416").doesNotContain("0123456789abcdef");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bytes=0-1,5-6", "bytes=0-1, 40-50", "bytes=abc", "bytes=5-2", "bytes=", "bytes=--5",
        "bytes=1-2-3", "items=0-5", "0-5", "bytes=99999999999999999999-"})
    void multipleOrMalformedRangesGetTheWholeFile(String range) {
        HttpResponse<byte[]> r = clients.get("/alphabet.bin", "Range", range);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-range")).isEmpty();
        assertThat(r.body()).isEqualTo(ALPHABET);
    }

    @ParameterizedTest(name = "If-Range: {0}")
    @ValueSource(strings = {"TAG", LAST_MODIFIED})
    void ifRangeWithTheCurrentValidatorGetsTheRange(String ifRange) {
        HttpResponse<byte[]> r = clients.get("/alphabet.bin", "Range", "bytes=0-9", "If-Range", ifRange.replace("TAG", etag));

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(ALPHABET, 0, 10));
    }

    @ParameterizedTest(name = "If-Range: {0}")
    @ValueSource(strings = {"\"old-tag\"", "W/TAG", "Tue, 14 May 2024 12:00:00 GMT", "garbage"})
    void ifRangeWithAnOldValidatorGetsTheWholeFile(String ifRange) {
        HttpResponse<byte[]> r = clients.get("/alphabet.bin", "Range", "bytes=0-9", "If-Range", ifRange.replace("TAG", etag));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-range")).isEmpty();
        assertThat(r.body()).isEqualTo(ALPHABET);
    }

    @Test
    void rangeOfACompressibleFileIsOfTheUncompressedBytes() {
        HttpResponse<byte[]> r = clients.get("/alphabet.txt", "Range", "bytes=10-19", "Accept-Encoding", "gzip");

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.headers().firstValue("content-range")).hasValue("bytes 10-19/" + N);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(ALPHABET, 10, 20));
    }

    static Stream<Arguments> bigRanges() {
        int n = BIG.length;
        return Stream.of(Transport.values()).flatMap(t -> Stream.of(
                Arguments.of(t, "bytes=0-9", 0, 9),
                Arguments.of(t, "bytes=100000-199999", 100000, 199999),
                Arguments.of(t, "bytes=-1000", n - 1000, n - 1),
                Arguments.of(t, "bytes=4096-", 4096, n - 1)));
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("bigRanges")
    void rangeOfABigFileFromDisk(Transport transport, String range, int first, int last) {
        HttpResponse<byte[]> r = clients.get(transport, "/big.bin", "Range", range);

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("content-range")).hasValue("bytes " + first + "-" + last + "/" + BIG.length);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(BIG, first, last + 1));
        // The connection stays in step after a partial body.
        assertThat(clients.get(transport, "/alphabet.bin").body()).isEqualTo(ALPHABET);
    }

    @Test
    void pipelinedRangesOnOneConnectionEachGetTheirBytes() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=5000-5999\r\n\r\n"
                    + "GET /alphabet.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=-3\r\n\r\n"
                    + "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=299999-\r\n\r\n");

            RawHttpClient.Response one = raw.read();
            RawHttpClient.Response two = raw.read();
            RawHttpClient.Response three = raw.read();

            assertThat(one.body()).isEqualTo(Arrays.copyOfRange(BIG, 5000, 6000));
            assertThat(two.body()).isEqualTo(Arrays.copyOfRange(ALPHABET, N - 3, N));
            assertThat(three.header("content-range")).isEqualTo("bytes 299999-" + (BIG.length - 1) + "/" + BIG.length);
            assertThat(three.body()).isEqualTo(Arrays.copyOfRange(BIG, 299999, BIG.length));
        }
    }

    @Test
    void curlResumesABigDownloadOverHttp2() throws Exception {
        CurlResponse r = EdgeClients.curl(base, "--http2", "--cacert", edge.certificate().toString(),
                "--range", "250000-", edge.httpsUri("/big.bin").toString());

        assertThat(r.protocol()).isEqualTo("HTTP/2");
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(BIG, 250000, BIG.length));
    }

    @Test
    void headOfARangeHasItsLengthAndNoBody() throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("HEAD /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-99\r\n\r\n"
                    + "GET /alphabet.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttpClient.Response head = raw.read(true);

            assertThat(head.status()).isEqualTo(206);
            assertThat(head.header("content-length")).isEqualTo("100");
            assertThat(raw.read().body()).isEqualTo(ALPHABET);
        }
    }
}
