package dev.webstack.edge.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.FilesConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The many spellings of one path share one cache entry: a client cannot make the edge hold a
 * descriptor (or a copy, or a gzip job) per spelling.
 */
class FileCacheAliasTest {
    @TempDir
    Path tmp;

    @Test
    void spellingsOfOneBigFileShareOneOpenDescriptor() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        byte[] big = new byte[200 * 1024];
        new Random(7).nextBytes(big);
        Path file = Files.write(root.resolve("big.bin"), big);
        FilesConfig files = new FilesConfig(Duration.ofSeconds(60), 4096, 64L << 20, true, 1024, 8 << 20, FilesConfig.DEFAULT_GZIP_TYPES);
        try (TestEdge edge = new TestEdge(tmp.resolve("data")).files(files).site(root, "a.test").start()) {
            for (String path : new String[] {"/big.bin", "//big.bin", "/./big.bin", "/%62ig.bin", "/x/../big.bin", "///./big.bin"}) {
                try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
                    RawHttpClient.Response r = c.send("GET " + path + " HTTP/1.1\r\nHost: a.test\r\n\r\n").read();
                    assertThat(r.status()).as(path).isEqualTo(200);
                    assertThat(r.body()).as(path).isEqualTo(big);
                }
            }
            assertThat(openDescriptorsOf(file)).isEqualTo(1);
        }
    }

    /** The server runs in this JVM: count this process's descriptors that point at the file. */
    private static long openDescriptorsOf(Path file) throws Exception {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (Exception e) {
                    return false; // closed while we looked
                }
            }).count();
        }
    }
}
