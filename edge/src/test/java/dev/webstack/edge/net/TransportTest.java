package dev.webstack.edge.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.IoTransport;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.proxy.TestBackend;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every transport the edge can run on serves the same: static files (small from memory, large with zero-copy),
 * proxied requests with bodies both ways, and HTTP/2 over TLS. {@code auto} takes io_uring for a pure proxy where
 * the kernel has it, epoll when files are served from disk.
 */
class TransportTest {
    @TempDir
    Path dir;

    private TestBackend backend;
    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private TestEdge edge(IoTransport kind) throws Exception {
        Path root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(root.resolve("small.txt"), "small file\n");
        byte[] large = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(large);
        Files.write(root.resolve("large.bin"), large);
        backend = new TestBackend("a");
        return new TestEdge(dir)
                .transport(kind)
                .site(root, "files.test")
                .upstream(UpstreamConfig.of("app", List.of(backend.serverConfig())))
                .proxy("app", "app.test")
                .defaultHost("app.test");
    }

    @ParameterizedTest
    @EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void eachTransportServesFilesProxiesAndSpeaksHttp2(IoTransport kind) throws Exception {
        boolean available = switch (kind) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            default -> true;
        };
        if (!available) {
            // Asked for by name where the kernel lacks it: a clear refusal, not a quiet fallback.
            assertThatThrownBy(() -> edge = edge(kind).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("edge.transport " + kind.configName() + " is not available");
            return;
        }
        edge = edge(kind).start();
        assertThat(edge.server().transport().kind()).isEqualTo(kind);

        HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> small = h1.send(get(edge.httpUri("/small.txt"), "files.test"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(small.body()).isEqualTo("small file\n");
        HttpResponse<byte[]> large = h1.send(get(edge.httpUri("/large.bin"), "files.test"),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(large.statusCode()).isEqualTo(200);
        assertThat(large.body()).isEqualTo(Files.readAllBytes(dir.resolve("www/large.bin")));

        String body = "0123456789".repeat(100_000);
        for (int i = 0; i < 3; i++) { // the second and third on a pooled upstream connection
            HttpResponse<String> echoed = h1.send(HttpRequest.newBuilder(edge.httpUri("/echo")).header("Host", "app.test")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(echoed.statusCode()).isEqualTo(200);
            assertThat(echoed.headers().firstValue("x-backend")).hasValue("a");
            assertThat(echoed.body()).isEqualTo(body);
        }

        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(edge.trustingSslContext()).build();
        HttpResponse<String> proxied = h2.send(HttpRequest.newBuilder(edge.httpsUri("/headers"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(proxied.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(proxied.statusCode()).isEqualTo(200);
        assertThat(proxied.body()).startsWith("GET /headers\n");
    }

    @Test
    void autoTakesIoUringForAProxyWhereTheKernelHasIt() throws Exception {
        backend = new TestBackend("a");
        edge = new TestEdge(dir)
                .upstream(UpstreamConfig.of("app", List.of(backend.serverConfig())))
                .proxy("app", "app.test")
                .start();
        IoTransport expected = IoUring.isAvailable() ? IoTransport.IO_URING
                : Epoll.isAvailable() ? IoTransport.EPOLL : IoTransport.NIO;
        assertThat(edge.server().transport().kind()).isEqualTo(expected);
        assertThat(Files.readString(dir.resolve("logs/error.log")))
                .contains("(" + expected.configName() + "), 1 event loops");
    }

    @Test
    void autoTakesEpollWhenASiteServesFilesFromDisk() throws Exception {
        edge = edge(IoTransport.AUTO).start(); // sendfile on epoll; a pipe per file on io_uring
        assertThat(edge.server().transport().kind()).isEqualTo(Epoll.isAvailable() ? IoTransport.EPOLL : IoTransport.NIO);
    }

    private static HttpRequest get(java.net.URI uri, String host) {
        return HttpRequest.newBuilder(uri).header("Host", host).timeout(Duration.ofSeconds(10)).build();
    }
}
