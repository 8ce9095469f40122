package dev.webstack.edge.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Buffers go round: the writer hands each emptied buffer back for an event loop to fill again. Many buffers' worth of
 * lines must reach the file whole and in order, none of them written over by a line that came later.
 */
class AccessLogBuffersTest {

    @TempDir
    Path tmp;

    @Test
    void everyLineOfManyBuffersArrivesWholeAndInOrder() throws Exception {
        Path file = tmp.resolve("logs/access.log");
        AccessLog log = new AccessLog(file);
        log.start();
        EventLoop loop = new DefaultEventLoop();
        int lines = 6000; // about 140 bytes each: a dozen 64 KiB buffers
        try {
            loop.submit(() -> {
                for (int i = 0; i < lines; i++) {
                    log.log(loop, "192.0.2.7", "GET", "/page/" + i + "?" + "q".repeat(i % 50), "HTTP/1.1", 200, i,
                            null, "agent " + i);
                }
            }).get(30, TimeUnit.SECONDS);
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
        log.close();

        assertThat(log.failure()).isNull();
        assertThat(log.droppedBytes()).isZero();
        List<String> written = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(written).hasSize(lines);
        for (int i = 0; i < lines; i++) {
            assertThat(written.get(i)).as("line %d", i)
                    .startsWith("192.0.2.7 - - [")
                    .contains("\"GET /page/" + i + "?" + "q".repeat(i % 50) + " HTTP/1.1\" 200 " + i + " \"-\" ")
                    .endsWith("\"agent " + i + "\"");
        }
    }
}
