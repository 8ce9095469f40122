package dev.webstack.edge.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.TestEdge;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;

/**
 * The real clients the static-file tests talk to the edge with: the JDK HttpClient over plain
 * HTTP/1.1, over TLS with HTTP/1.1 or HTTP/2 (trusting only the edge's self-signed certificate),
 * and curl; plus the byte helpers the tests need (gzip, a stored brotli stream, seeded content).
 */
final class EdgeClients {
    private EdgeClients() {}

    /** How a request reaches the edge. */
    enum Transport {
        /** Plain HTTP/1.1: big files go zero-copy (sendfile). */
        PLAIN_HTTP1,
        /** HTTP/1.1 over TLS: big files go in chunks through the TLS engine. */
        TLS_HTTP1,
        /** HTTP/2 over TLS, negotiated with ALPN. */
        TLS_HTTP2
    }

    /** One client per transport for one running edge. */
    static final class Clients {
        private final TestEdge edge;
        private final HttpClient plain;
        private final HttpClient tls1;
        private final HttpClient tls2;

        Clients(TestEdge edge) {
            this.edge = edge;
            SSLContext ssl = edge.trustingSslContext();
            this.plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            this.tls1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build();
            this.tls2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ssl).build();
        }

        URI uri(Transport transport, String path) {
            return transport == Transport.PLAIN_HTTP1 ? edge.httpUri(path) : edge.httpsUri(path);
        }

        HttpClient client(Transport transport) {
            return switch (transport) {
                case PLAIN_HTTP1 -> plain;
                case TLS_HTTP1 -> tls1;
                case TLS_HTTP2 -> tls2;
            };
        }

        /** GET {@code path} with the given header name/value pairs, over plain HTTP/1.1. */
        HttpResponse<byte[]> get(String path, String... headers) {
            return send(Transport.PLAIN_HTTP1, "GET", path, headers);
        }

        HttpResponse<byte[]> get(Transport transport, String path, String... headers) {
            HttpResponse<byte[]> r = send(transport, "GET", path, headers);
            assertThat(r.version())
                    .as("protocol negotiated for %s", transport)
                    .isEqualTo(transport == Transport.TLS_HTTP2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
            return r;
        }

        HttpResponse<byte[]> send(Transport transport, String method, String path, String... headers) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(transport, path))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            try {
                return client(transport).send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /**
         * GETs {@code path} until {@code done} accepts the response, or gives up after {@code bound}
         * (a guard against hanging, not a measurement); the requests themselves are the wait.
         * Returns the last response.
         */
        HttpResponse<byte[]> getUntil(String path, Predicate<HttpResponse<byte[]>> done, Duration bound) {
            return getUntil(Transport.PLAIN_HTTP1, path, done, bound);
        }

        HttpResponse<byte[]> getUntil(
                Transport transport, String path, Predicate<HttpResponse<byte[]>> done, Duration bound, String... headers) {
            long giveUp = System.nanoTime() + bound.toNanos();
            HttpResponse<byte[]> r = get(transport, path, headers);
            while (!done.test(r) && System.nanoTime() < giveUp) {
                r = get(transport, path, headers);
            }
            return r;
        }
    }

    /** What curl received: the protocol of the status line, the status, the headers (lower-case names), the body. */
    record CurlResponse(String protocol, int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }
    }

    /**
     * Runs curl with {@code args} (the URL among them) and returns the last response it read; the
     * headers and the body go to files in {@code work} so they are seen byte for byte.
     */
    static CurlResponse curl(Path work, String... args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(work, "curl");
        Path headers = dir.resolve("headers");
        Path body = dir.resolve("body");
        List<String> command = new ArrayList<>(List.of(
                "curl", "--silent", "--show-error", "--max-time", "60", "--dump-header", headers.toString(),
                "--output", body.toString()));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(90, TimeUnit.SECONDS)).as("curl finished").isTrue();
        assertThat(curl.exitValue()).as("curl %s: %s", command, output).isZero();

        String head = Files.readString(headers, StandardCharsets.ISO_8859_1);
        // With several responses (a redirect followed), the last head is the one that counts.
        String[] heads = head.split("\r\n\r\n");
        String last = heads[heads.length - 1];
        String[] lines = last.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                map.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        byte[] content = Files.exists(body) ? Files.readAllBytes(body) : new byte[0];
        return new CurlResponse(statusLine[0], Integer.parseInt(statusLine[1]), map, content);
    }

    /** {@code size} pseudo-random bytes, the same for the same seed. */
    static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** About {@code size} bytes of compressible, line-structured CSS text. */
    static String css(int size) {
        StringBuilder s = new StringBuilder(size + 64);
        for (int i = 0; s.length() < size; i++) {
            s.append(".rule-").append(i).append(" { color: #").append(String.format("%06x", i * 2654435 & 0xffffff))
                    .append("; margin: ").append(i % 17).append("px; }\n");
        }
        s.setLength(size);
        return s.toString();
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] packed) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(packed))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A valid brotli stream (RFC 7932) holding {@code plain} in uncompressed meta-blocks: no encoder
     * is needed, and any brotli decoder (curl's) gives {@code plain} back.
     */
    static byte[] brotliStored(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length + 16);
        Bits bits = new Bits(out);
        bits.write(0, 1); // WBITS = 16
        for (int off = 0; off < plain.length; off += 65536) {
            int len = Math.min(65536, plain.length - off);
            bits.write(0, 1); // ISLAST = 0
            bits.write(0, 2); // MNIBBLES = 4
            bits.write(len - 1, 16); // MLEN - 1
            bits.write(1, 1); // ISUNCOMPRESSED
            bits.flush(); // the raw bytes start on a byte boundary
            out.write(plain, off, len);
        }
        bits.write(1, 1); // ISLAST
        bits.write(1, 1); // ISLASTEMPTY
        bits.flush();
        return out.toByteArray();
    }

    /** Writes bits least-significant first, as brotli packs them. */
    private static final class Bits {
        private final ByteArrayOutputStream out;
        private int acc;
        private int count;

        Bits(ByteArrayOutputStream out) {
            this.out = out;
        }

        void write(int value, int n) {
            for (int i = 0; i < n; i++) {
                acc |= ((value >>> i) & 1) << count;
                if (++count == 8) {
                    flush();
                }
            }
        }

        void flush() {
            if (count > 0) {
                out.write(acc);
                acc = 0;
                count = 0;
            }
        }
    }
}
