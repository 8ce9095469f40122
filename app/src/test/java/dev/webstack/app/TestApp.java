package dev.webstack.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A tiny application for the supervisor's tests, run as a real child process. It listens on BIND:PORT and answers
 * {@code /} with its instance number, {@code /env/NAME} with that variable, {@code /healthz} with 200 (500 once
 * {@code /sick} was asked, 200 again after {@code /well}). {@code TESTAPP_MODE} (or {@code TESTAPP_MODE_<n>} for
 * instance n alone) picks a misbehaviour:
 * <ul>
 * <li>{@code exit}: exits at once with code 3;
 * <li>{@code never-healthy}: {@code /healthz} answers 500;
 * <li>{@code flood}: writes {@code TESTAPP_FLOOD_BYTES} (default 20 MB) to stdout, then "flood done", then serves;
 * <li>{@code ignore-term}: a shutdown hook that sleeps a minute, so only SIGKILL ends it;
 * <li>{@code bind-fail-once}: the first run (no file {@code TESTAPP_MARKER} yet) fails as if its port were taken.
 * </ul>
 */
public final class TestApp {
    private TestApp() {
    }

    public static void main(String[] args) throws Exception {
        String instance = System.getenv().getOrDefault("APP_INSTANCE", "0");
        String mode = System.getenv().getOrDefault("TESTAPP_MODE_" + instance,
                System.getenv().getOrDefault("TESTAPP_MODE", "serve"));
        System.out.println("testapp instance " + instance + " mode " + mode);
        switch (mode) {
            case "exit" -> {
                System.out.println("exiting with code 3");
                System.exit(3);
            }
            case "flood" -> flood(Long.parseLong(System.getenv().getOrDefault("TESTAPP_FLOOD_BYTES", "20000000")));
            case "ignore-term" -> Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("SIGTERM ignored");
                sleep(60_000);
            }));
            case "bind-fail-once" -> {
                Path marker = Path.of(System.getenv("TESTAPP_MARKER"));
                if (!Files.exists(marker)) {
                    Files.writeString(marker, "failed once\n");
                    System.err.println("java.net.BindException: Address already in use");
                    System.exit(1);
                }
            }
            default -> {
            }
        }
        AtomicBoolean sick = new AtomicBoolean(mode.equals("never-healthy"));
        HttpServer server = HttpServer.create(new InetSocketAddress(System.getenv("BIND"),
                Integer.parseInt(System.getenv("PORT"))), 50);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/healthz")) {
                answer(exchange, sick.get() ? 500 : 200, sick.get() ? "sick" : "ok");
            } else if (path.equals("/sick") || path.equals("/well")) {
                sick.set(path.equals("/sick"));
                answer(exchange, 200, path.substring(1));
            } else if (path.startsWith("/env/")) {
                answer(exchange, 200, String.valueOf(System.getenv(path.substring(5))));
            } else {
                answer(exchange, 200, "instance " + instance);
            }
        });
        server.start();
        System.out.println("listening on " + System.getenv("BIND") + ":" + System.getenv("PORT"));
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void flood(long total) {
        byte[] line = new byte[100];
        Arrays.fill(line, (byte) 'x');
        line[99] = '\n';
        PrintStream out = new PrintStream(new java.io.BufferedOutputStream(
                new java.io.FileOutputStream(java.io.FileDescriptor.out), 64 * 1024), false);
        for (long written = 0; written < total; written += line.length) {
            out.write(line, 0, line.length);
        }
        out.println("flood done");
        out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
