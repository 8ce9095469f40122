package dev.webstack.app;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fixtures: the command that runs {@link TestApp}, configs with small bounds, a recording listener, bounded waits. */
final class TestApps {
    /** Short enough for quick tests, long enough for a JVM to start on a busy 2-core machine. */
    static final Duration HEALTH_INTERVAL = Duration.ofMillis(200);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private TestApps() {
    }

    static List<String> command() {
        try {
            Path classes = Path.of(TestApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx64m",
                    "-cp", classes.toString(), TestApp.class.getName());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Two-second grace, 50 ms to 400 ms backoff, crash loop after 3 exits in 30 s, 1 MiB logs, 3 kept. */
    static AppConfig config(int instances, Map<String, String> env) {
        return new AppConfig(command(), instances, env, "/healthz", Duration.ofSeconds(20), Duration.ofSeconds(2),
                1L << 20, 3, Duration.ofMillis(50), Duration.ofMillis(400), 3, Duration.ofSeconds(30));
    }

    static AppServer server(AppConfig config, Path dataDir, Map<String, String> extraEnv, AppListener listener) {
        return new AppServer(config, dataDir, extraEnv, listener, HEALTH_INTERVAL);
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits, up to {@code bound}, for the condition; fails with {@code what} otherwise. */
    static void await(Duration bound, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + bound.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** What run/app-N.pid holds for an instance of {@code config}: its pid, and the mark of its command. */
    static String pidFileText(AppConfig config, long pid) {
        return pid + "\n" + config.mark() + "\n";
    }

    static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The pids of every process a log says was started ("started pid P on port X"). */
    static List<Long> startedPids(Path log) throws IOException {
        List<Long> pids = new ArrayList<>();
        Matcher m = Pattern.compile("started pid (\\d+) on port").matcher(Files.readString(log));
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    /**
     * Records what the supervisor tells the stack, in order, as lines: "healthy 1", "leaving 1", "event ...". When
     * told of a leaving instance, it also records whether that process was still running. It keeps the pool as the
     * edge would, and its content after each healthy or leaving.
     */
    static final class RecordingListener implements AppListener {
        private final List<String> calls = new ArrayList<>();
        private final Set<Instance> pool = new HashSet<>();
        private final List<PoolChange> poolChanges = new ArrayList<>();
        private final List<Instance> healthy = new ArrayList<>();
        private final List<Instance> leaving = new ArrayList<>();
        private final List<Boolean> aliveWhenLeaving = new ArrayList<>();

        @Override
        public synchronized void healthy(Instance instance) {
            calls.add("healthy " + instance.index());
            healthy.add(instance);
            pool.add(instance);
            poolChanges.add(new PoolChange("healthy", instance, Set.copyOf(pool)));
        }

        @Override
        public synchronized CompletableFuture<Void> leaving(Instance instance) {
            calls.add("leaving " + instance.index());
            leaving.add(instance);
            aliveWhenLeaving.add(isAlive(instance.pid()));
            pool.remove(instance);
            poolChanges.add(new PoolChange("leaving", instance, Set.copyOf(pool)));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public synchronized void event(String message) {
            calls.add("event " + message);
        }

        synchronized List<String> calls() {
            return List.copyOf(calls);
        }

        /** The healthy and leaving calls for one instance, in order ("healthy", "leaving", …). */
        synchronized List<String> callsFor(int index) {
            return calls.stream().filter(c -> c.equals("healthy " + index) || c.equals("leaving " + index))
                    .map(c -> c.substring(0, c.indexOf(' '))).toList();
        }

        synchronized List<String> events() {
            return calls.stream().filter(c -> c.startsWith("event ")).map(c -> c.substring(6)).toList();
        }

        synchronized List<Instance> healthyInstances() {
            return List.copyOf(healthy);
        }

        synchronized List<Instance> leavingInstances() {
            return List.copyOf(leaving);
        }

        synchronized List<Boolean> aliveWhenLeaving() {
            return List.copyOf(aliveWhenLeaving);
        }

        /** Each healthy or leaving so far, with the pool after it. */
        synchronized List<PoolChange> poolChanges() {
            return List.copyOf(poolChanges);
        }
    }

    /** One healthy or leaving call, and the pool after it. */
    record PoolChange(String call, Instance instance, Set<Instance> poolAfter) {
    }
}
