package dev.webstack.edge.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.webstack.edge.config.UpstreamServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test fixture: a real HTTP/1.1 application server (the JDK's) on 127.0.0.1 and a free port, for the edge to
 * proxy to. Every answer carries {@code X-Backend: <name>} and {@code X-Remote-Port} (the edge's side of the
 * connection, to see keep-alive reuse). Paths:
 *
 * <ul>
 *   <li>{@code /name}: the backend's name;
 *   <li>{@code /headers}: the request line and headers as seen here, one per line, names lower-cased;
 *   <li>{@code /echo}: the request body back, streamed (chunked);
 *   <li>{@code /bytes?n=N}: N bytes of 'x', streamed with a length;
 *   <li>{@code /slow?ms=N}: the name after N ms;
 *   <li>{@code /health}: 200, or the status set with {@link #health(int)};
 *   <li>{@code /count}: reads the whole request body, then answers its length.
 * </ul>
 */
public final class TestBackend implements AutoCloseable {
    private final String name;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger health = new AtomicInteger(200);
    private final AtomicReference<String> lastHeaders = new AtomicReference<>("");

    public TestBackend(String name) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public UpstreamServerConfig serverConfig() {
        return UpstreamServerConfig.of("127.0.0.1", port());
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Requests answered so far (health checks included). */
    public int requests() {
        return requests.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public void health(int status) {
        health.set(status);
    }

    /** The request line and headers of the last request, as {@code /headers} shows them. */
    public String lastHeaders() {
        return lastHeaders.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getQuery();
            exchange.getResponseHeaders().set("X-Backend", name);
            exchange.getResponseHeaders().set("X-Remote-Port", Integer.toString(exchange.getRemoteAddress().getPort()));
            StringBuilder seen = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
            Map<String, String> sorted = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(), String.join(",", v)));
            sorted.forEach((k, v) -> seen.append(k).append(": ").append(v).append('\n'));
            lastHeaders.set(seen.toString());
            if (!path.equals("/health")) {
                requests.incrementAndGet();
            }
            switch (path) {
                case "/headers" -> send(exchange, 200, seen.toString());
                case "/echo" -> {
                    exchange.sendResponseHeaders(200, 0);
                    try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                        in.transferTo(out);
                    }
                }
                case "/bytes" -> {
                    long n = Long.parseLong(query.substring(2));
                    exchange.sendResponseHeaders(200, n);
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (long left = n; left > 0; left -= chunk.length) {
                            out.write(chunk, 0, (int) Math.min(chunk.length, left));
                        }
                    }
                }
                case "/slow" -> {
                    sleep(Long.parseLong(query.substring(3)));
                    send(exchange, 200, name);
                }
                case "/health" -> send(exchange, health.get(), "health " + health.get());
                case "/count" -> {
                    long n;
                    try (InputStream in = exchange.getRequestBody()) {
                        n = in.transferTo(OutputStream.nullOutputStream());
                    }
                    send(exchange, 200, Long.toString(n));
                }
                default -> send(exchange, 200, name);
            }
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops at once, as a crashed server does: open connections are cut. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
