package dev.webstack.edge.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log file, written by its own thread so that an event loop never waits on the disk:
 * event loops hand over {@link Entry} values through a bounded queue (when it is full, the entry is
 * counted as dropped, never waited for); the writer formats them in nginx's {@code combined}
 * format and writes through a 64 KiB buffer, flushed when the queue runs dry and at least once a
 * second.
 *
 * <pre>
 *   event loop ──offer(Entry)──▶ [queue] ──▶ access-log thread ──format──▶ buffer ──▶ logs/access.log
 * </pre>
 */
public final class AccessLog implements AutoCloseable {
    /** One request as logged: the fields of nginx's combined format. */
    public record Entry(
            String remoteAddress,
            long timeMillis,
            String method,
            String uri,
            String protocol,
            int status,
            long bytesSent,
            String referer,
            String userAgent) {}

    private static final Entry STOP = new Entry("", 0, "", "", "", 0, 0, null, null);

    private final Path file;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(1 << 16);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile IOException failure;

    public AccessLog(Path file) {
        this.file = file;
        this.writer = new Thread(this::run, "access-log");
        this.writer.setDaemon(true);
    }

    public void start() throws IOException {
        Files.createDirectories(file.getParent());
        writer.start();
    }

    /** Hands an entry to the writer; never blocks. */
    public void log(Entry e) {
        if (!queue.offer(e)) {
            dropped.incrementAndGet();
        }
    }

    public long dropped() {
        return dropped.get();
    }

    private void run() {
        List<Entry> batch = new ArrayList<>(1024);
        StringBuilder line = new StringBuilder(256);
        CombinedLogFormat format = new CombinedLogFormat();
        try (BufferedWriter out = new BufferedWriter(
                new OutputStreamWriter(
                        Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                        StandardCharsets.UTF_8),
                64 * 1024)) {
            while (true) {
                Entry first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    out.flush();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 4096);
                boolean stop = false;
                for (Entry e : batch) {
                    if (e == STOP) {
                        stop = true;
                        continue;
                    }
                    line.setLength(0);
                    format.append(e, line);
                    out.append(line);
                }
                batch.clear();
                if (stop) {
                    out.flush();
                    return;
                }
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        if (!writer.isAlive()) {
            return;
        }
        try {
            queue.put(STOP);
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why the writer stopped early, if it did. */
    public IOException failure() {
        return failure;
    }
}
