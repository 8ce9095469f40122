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
        int first = 1000; // two buffers' worth: the first is handed over while these are written
        try {
            loop.submit(() -> logLines(log, loop, 0, first)).get(30, TimeUnit.SECONDS);
            // the writer has emptied that buffer and handed it back: the lines that follow fill it again
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (log.spareBuffers() == 0) {
                assertThat(System.nanoTime() - deadline).as("a buffer handed back within 10 s").isNegative();
                Thread.sleep(10);
            }
            loop.submit(() -> logLines(log, loop, first, lines)).get(30, TimeUnit.SECONDS);
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
                    .contains("\"GET /page/" + i + "?" + "q".repeat(i % 50) + " HTTP/1.1\" 200 " + i + " \"-\" \"agent " + i + "\"")
                    .endsWith("\"agent " + i + "\"");
        }
    }

    private static void logLines(AccessLog log, EventLoop loop, int from, int to) {
        for (int i = from; i < to; i++) {
            log.log(loop, "192.0.2.7", "GET", "/page/" + i + "?" + "q".repeat(i % 50), "HTTP/1.1", 200, i, null,
                    "agent " + i);
        }
    }
}
