package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.LimitsConfig;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.config.UpstreamServerConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies stream through the proxy without being held: a 1 GiB download and a 1 GiB upload leave the edge's
 * direct memory and live heap where they were, a client that stops reading stops its upstream's writes, and an
 * upstream that stops reading stops its client's upload. Everything (client, edge, backends) runs in this JVM,
 * so the memory figures bound the client's and the backend's buffers too; the bounds are far below 1 GiB.
 */
class ProxyStreamingTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    /** What may pile up between two peers: socket buffers both ways and the edge's own, with room to spare. */
    private static final long IN_FLIGHT_BOUND = 64 * MIB;
    private static final long DIRECT_GROWTH_BOUND = 64 * MIB;
    private static final long HEAP_GROWTH_BOUND = 256 * MIB;

    @TempDir
    Path dir;

    private TestBackend backend;
    private CountingBackend sink;
    private RawBackend firehose;
    private RawBackend stalled;
    private final AtomicLong firehoseWritten = new AtomicLong();
    private final AtomicBoolean firehoseEnded = new AtomicBoolean();
    private final CountDownLatch release = new CountDownLatch(1);
    private TestEdge edge;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        backend = new TestBackend("a");
        sink = new CountingBackend();
        firehose = new RawBackend(c -> {
            try {
                c.socket().setSendBufferSize(64 * 1024); // little kept in the kernel: the edge's part shows
                c.readHead();
                OutputStream out = c.socket().getOutputStream();
                String head = "HTTP/1.1 200 OK\r\nContent-Length: " + GIB + "\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[64 * 1024];
                while (firehoseWritten.get() < GIB) {
                    out.write(block); // blocks while nobody downstream reads
                    firehoseWritten.addAndGet(block.length);
                }
            } finally {
                firehoseEnded.set(true);
            }
        });
        stalled = new RawBackend(c -> {
            c.socket().setReceiveBufferSize(64 * 1024);
            c.readHead();
            release.await(30, TimeUnit.SECONDS); // reads no body
        });
        LimitsConfig limits = LimitsConfig.DEFAULT;
        limits = new LimitsConfig(limits.maxRequestLine(), limits.maxHeaderSize(), 2 * GIB, limits.headerTimeout(),
                limits.idleTimeout(), limits.sendTimeout(), limits.maxConnections(), limits.keepaliveRequests(),
                limits.shutdownGrace());
        edge = new TestEdge(dir)
                .limits(limits)
                .upstream(UpstreamConfig.of("app", List.of(backend.serverConfig())))
                .upstream(UpstreamConfig.of("sink", List.of(sink.serverConfig())))
                .upstream(UpstreamConfig.of("firehose", List.of(firehose.serverConfig())))
                .upstream(UpstreamConfig.of("stalled", List.of(stalled.serverConfig())))
                .proxy("app", "app.test")
                .proxy("sink", "sink.test")
                .proxy("firehose", "firehose.test")
                .proxy("stalled", "stalled.test")
                .defaultHost("app.test")
                .start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        edge.close();
        backend.close();
        sink.close();
        firehose.close();
        stalled.close();
    }

    @Test
    void aOneGibDownloadStreamsThroughWithMemoryFlat() throws Exception {
        long received = 0;
        try (MemorySampler memory = new MemorySampler()) {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(edge.httpUri("/bytes?n=" + GIB))
                    .header("Host", "app.test").build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValueAsLong("content-length")).hasValue(GIB);
            byte[] buffer = new byte[64 * 1024];
            boolean sampledHalfway = false;
            try (InputStream in = response.body()) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    received += n;
                    if (!sampledHalfway && received >= GIB / 2) {
                        memory.sampleWithGc();
                        sampledHalfway = true;
                    }
                }
            }
            memory.assertBounded();
        }
        assertThat(received).isEqualTo(GIB);
    }

    @Test
    void aOneGibUploadStreamsThroughWithMemoryFlat() throws Exception {
        HttpResponse<String> response;
        try (MemorySampler memory = new MemorySampler()) {
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedStream(GIB, memory)), GIB);
            response = client.send(HttpRequest.newBuilder(edge.httpUri("/count")).header("Host", "sink.test")
                    .POST(body).build(), HttpResponse.BodyHandlers.ofString());
            memory.assertBounded();
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Long.toString(GIB));
        assertThat(sink.received.get()).isEqualTo(GIB);
    }

    @Test
    void aClientThatStopsReadingPausesItsUpstream() throws Exception {
        try (MemorySampler memory = new MemorySampler(); Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", edge.httpPort()));
            socket.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: firehose.test\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            long paused = awaitSettled(firehoseWritten::get);
            assertThat(paused).as("bytes the backend wrote while the client read nothing").isPositive()
                    .isLessThan(IN_FLIGHT_BOUND);
            memory.assertBounded();

            // The client reads 16 MiB, slowly: the upstream goes on, and stays within reach of the client.
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(10_000);
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            for (int i = 1; i <= 256; i++) {
                read += in.readNBytes(buffer, 0, buffer.length);
                if (i % 16 == 0) {
                    Thread.sleep(10); // 1 MiB at a time
                }
            }
            assertThat(read).isEqualTo(16 * MIB);
            long resumed = awaitSettled(firehoseWritten::get);
            assertThat(resumed).as("bytes the backend wrote after the client read").isGreaterThan(paused);
            assertThat(resumed - read).isLessThan(IN_FLIGHT_BOUND);
            memory.assertBounded();
        }
        // The client went away: its upstream connection is closed, and the backend's writing ends.
        assertThat(await(firehoseEnded::get)).as("the backend's response ended").isTrue();
        assertThat(firehoseWritten.get()).isLessThan(GIB);
    }

    @Test
    void anUpstreamThatStopsReadingPausesTheUpload() throws Exception {
        AtomicLong sent = new AtomicLong();
        Thread writer;
        try (MemorySampler memory = new MemorySampler(); Socket socket = new Socket()) {
            socket.setSendBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", edge.httpPort()));
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: stalled.test\r\nContent-Length: " + GIB + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            writer = new Thread(() -> {
                byte[] block = new byte[64 * 1024];
                try {
                    while (sent.get() < GIB) {
                        out.write(block); // blocks while nobody upstream reads
                        sent.addAndGet(block.length);
                    }
                } catch (IOException e) {
                    // the socket was closed at the end of the test
                }
            }, "upload-writer");
            writer.setDaemon(true);
            writer.start();
            long paused = awaitSettled(sent::get);
            assertThat(stalled.count("POST /upload HTTP/1.1")).as("the head reached the backend").isEqualTo(1);
            assertThat(paused).as("bytes the client could send while the backend read nothing").isPositive()
                    .isLessThan(IN_FLIGHT_BOUND);
            memory.assertBounded();
        }
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
    }

    /** Waits until {@code counter} has stopped growing for half a second (at most 20 s); returns its value. */
    private static long awaitSettled(LongSupplier counter) throws InterruptedException {
        long last = -1;
        int unchanged = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (unchanged < 5 && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
            long now = counter.getAsLong();
            unchanged = now == last && now > 0 ? unchanged + 1 : 0;
            last = now;
        }
        return last;
    }

    /** Waits until {@code condition} holds, at most 10 s; returns whether it does. */
    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    /**
     * Samples, on a thread of its own, how much direct memory is in use (as Netty counts it, as the default
     * allocator counts it, and as the JDK counts direct buffers) and, after a full collection, how much heap is
     * live; records the largest growth of each over its value at the start.
     */
    static final class MemorySampler implements AutoCloseable {
        private static final int SAMPLE_MILLIS = 50;
        private static final int SAMPLES_PER_GC = 20;
        private static final int MAX_SAMPLES = 20 * 60 * 2; // two minutes

        private final BufferPoolMXBean jdkDirect = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
                .stream().filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        private final long nettyBase;
        private final long allocatorBase;
        private final long jdkBase;
        private final long heapBase;
        private long nettyGrowth;
        private long allocatorGrowth;
        private long jdkGrowth;
        private long heapGrowth;
        private int samples;
        private final Thread thread;
        private volatile boolean running = true;

        MemorySampler() {
            heapBase = liveHeap();
            nettyBase = PlatformDependent.usedDirectMemory();
            allocatorBase = allocatorDirect();
            jdkBase = jdkDirect.getMemoryUsed();
            thread = new Thread(this::run, "memory-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            for (int i = 1; running && i <= MAX_SAMPLES; i++) {
                if (i % SAMPLES_PER_GC == 0) {
                    sampleWithGc();
                } else {
                    sample();
                }
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        synchronized void sample() {
            samples++;
            if (nettyBase >= 0) {
                nettyGrowth = Math.max(nettyGrowth, PlatformDependent.usedDirectMemory() - nettyBase);
            }
            if (allocatorBase >= 0) {
                allocatorGrowth = Math.max(allocatorGrowth, allocatorDirect() - allocatorBase);
            }
            jdkGrowth = Math.max(jdkGrowth, jdkDirect.getMemoryUsed() - jdkBase);
        }

        synchronized void sampleWithGc() {
            sample();
            heapGrowth = Math.max(heapGrowth, liveHeap() - heapBase);
        }

        void assertBounded() {
            sampleWithGc();
            synchronized (this) {
                String figures = String.format("after %d samples: direct growth netty %d MiB, allocator %d MiB, "
                                + "jdk %d MiB; live heap growth %d MiB", samples, nettyGrowth / MIB,
                        allocatorGrowth / MIB, jdkGrowth / MIB, heapGrowth / MIB);
                assertThat(nettyGrowth).as(figures).isLessThan(DIRECT_GROWTH_BOUND);
                assertThat(allocatorGrowth).as(figures).isLessThan(DIRECT_GROWTH_BOUND);
                assertThat(jdkGrowth).as(figures).isLessThan(DIRECT_GROWTH_BOUND);
                assertThat(heapGrowth).as(figures).isLessThan(HEAP_GROWTH_BOUND);
            }
        }

        private static long allocatorDirect() {
            return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
                    ? provider.metric().usedDirectMemory()
                    : -1;
        }

        /** Heap in use after a full collection: what is live, not garbage waiting to be collected. */
        private static long liveHeap() {
            System.gc();
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code length} generated bytes, without holding them; samples memory with a full GC at the halfway mark. */
    static final class GeneratedStream extends InputStream {
        private final long length;
        private final MemorySampler memory;
        private long position;
        private boolean sampledHalfway;

        GeneratedStream(long length, MemorySampler memory) {
            this.length = length;
            this.memory = memory;
        }

        @Override
        public int read() {
            if (position >= length) {
                return -1;
            }
            return (int) ('a' + position++ % 26);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ('a' + (position + i) % 26);
            }
            position += n;
            if (!sampledHalfway && position >= length / 2) {
                sampledHalfway = true;
                memory.sampleWithGc();
            }
            return n;
        }
    }

    /** A backend (the JDK's HTTP server) that reads a request body, counts its bytes and answers the count. */
    static final class CountingBackend implements AutoCloseable {
        final AtomicLong received = new AtomicLong();
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final HttpServer server;

        CountingBackend() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.setExecutor(threads);
            server.createContext("/", this::count);
            server.start();
        }

        UpstreamServerConfig serverConfig() {
            return UpstreamServerConfig.of("127.0.0.1", server.getAddress().getPort());
        }

        private void count(HttpExchange exchange) throws IOException {
            long n = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = exchange.getRequestBody()) {
                for (int r; (r = in.read(buffer)) != -1; ) {
                    n += r;
                }
            }
            received.set(n);
            byte[] answer = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
