package dev.webstack.edge.log;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log file, written the way nginx's {@code access_log ... buffer=64k flush=1s} writes it:
 * each event loop formats its lines straight into its own 64 KiB buffer (no lock, no object per
 * request), and hands a full buffer, or whatever it holds once a second, to one writer thread that
 * appends it to the file, then hands the emptied buffer back for reuse. An event loop never waits on the disk;
 * if the writer falls 16 MiB behind, buffers are dropped and counted rather than waited for.
 *
 * <pre>
 *   event loop ──format──▶ [its 64 KiB buffer] ──full or 1 s──▶ [queue] ──▶ access-log thread ──▶ logs/access.log
 *        ▲                                                                          │
 *        └──────────────────────── [spare: emptied buffers] ◀──────────────────────┘
 * </pre>
 */
public final class AccessLog implements AutoCloseable {
    static final int BUFFER_SIZE = 64 * 1024;
    private static final long FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final ByteBuffer STOP = ByteBuffer.allocate(0);

    private final Path file;
    private final BlockingQueue<ByteBuffer> queue = new LinkedBlockingQueue<>(256);
    /** Buffers the writer has emptied, for the event loops to fill again instead of making new ones. */
    private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(8);
    private final List<LineBuffer> buffers = new ArrayList<>();
    private final AtomicLong droppedBytes = new AtomicLong();
    private final FastThreadLocal<LineBuffer> local = new FastThreadLocal<>();
    private final Thread writer;
    private volatile IOException failure;

    public AccessLog(Path file) {
        this.file = file;
        this.writer = new Thread(this::run, "access-log");
        this.writer.setDaemon(true);
    }

    public void start() throws IOException {
        Files.createDirectories(file.getParent());
        Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
        writer.start();
    }

    /**
     * Appends one request in nginx's {@code combined} format ({@code method} null logs the request
     * line as {@code -}, for a head that could not be parsed). Called on an event loop (the buffer
     * belongs to the calling thread; {@code executor} is that thread's, for the once-a-second flush).
     */
    public void log(
            EventExecutor executor,
            String remoteAddress,
            String method,
            String uri,
            String protocol,
            int status,
            long bytesSent,
            String referer,
            String userAgent) {
        LineBuffer b = local.get();
        if (b == null) {
            b = new LineBuffer(this);
            local.set(b);
            synchronized (buffers) {
                buffers.add(b);
            }
            LineBuffer mine = b;
            executor.scheduleAtFixedRate(mine::flushIfStale, 1, 1, TimeUnit.SECONDS);
        }
        b.append(remoteAddress, method, uri, protocol, status, bytesSent, referer, userAgent);
    }

    /** Bytes of log lines dropped because the writer fell behind. */
    public long droppedBytes() {
        return droppedBytes.get();
    }

    /** Queues the first {@code length} bytes for the writer; false (counted as dropped) when it is too far behind. */
    boolean handOver(byte[] bytes, int length) {
        if (!queue.offer(ByteBuffer.wrap(bytes, 0, length))) {
            droppedBytes.addAndGet(length);
            return false;
        }
        return true;
    }

    /** An empty buffer: one the writer is done with, or a new one. */
    byte[] emptyBuffer() {
        byte[] buffer = spare.poll();
        return buffer != null ? buffer : new byte[BUFFER_SIZE];
    }

    static long flushNanos() {
        return FLUSH_NANOS;
    }

    private void run() {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (true) {
                ByteBuffer chunk = queue.take();
                if (chunk == STOP) {
                    return;
                }
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                if (chunk.array().length == BUFFER_SIZE) {
                    spare.offer(chunk.array()); // a larger one, made for one long line, is let go
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes what every buffer holds, then stops the writer. Call it after the event loops have
     * stopped, so that no buffer is being written to.
     */
    @Override
    public void close() {
        if (!writer.isAlive()) {
            return;
        }
        synchronized (buffers) {
            for (LineBuffer b : buffers) {
                b.flush();
            }
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
