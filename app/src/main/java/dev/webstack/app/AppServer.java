package dev.webstack.app;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The app tier: runs N instances of the site's code as child processes and keeps them alive (Passenger, Kamal).
 * Each instance has an {@link InstanceSupervisor}; the stack hears of instances joining and leaving the pool through
 * the {@link AppListener}. Files: {@code logs/app-N.log} (output, rotated) and {@code run/app-N.pid} in the data
 * folder.
 *
 * <p>Lifecycle: the constructor does no I/O; {@link #start} stops leftovers of a crashed run, spawns the instances and
 * returns once all are healthy (or, at the start timeout, some are); {@link #close} drains and stops them, and works
 * after a failed or partial start.
 */
public final class AppServer implements AutoCloseable {
    private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(2);
    /** Beyond the drain and the SIGTERM grace: SIGKILL's wait and the output's last bytes. */
    private static final Duration CLOSE_SLACK = Duration.ofSeconds(10);

    private final AppConfig config;
    private final Path dataDir;
    private final Map<String, String> extraEnv;
    private final AppListener listener;
    private final Duration healthInterval;
    private final Object settled = new Object();
    private final List<InstanceSupervisor> supervisors = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private Lifecycle lifecycle = Lifecycle.NEW; // guarded by this
    private boolean changed; // guarded by settled
    private ExecutorService probeExecutor;
    private final List<Thread> probeThreads = new ArrayList<>(); // guarded by itself
    private Thread shutdownHook;

    /**
     * @param dataDir the stack's data folder: instance output goes to {@code logs/}, pid files to {@code run/}
     * @param extraEnv added to each instance's environment after the config's ({@code DB_URL} and the like)
     */
    public AppServer(AppConfig config, Path dataDir, Map<String, String> extraEnv, AppListener listener) {
        this(config, dataDir, extraEnv, listener, HEALTH_INTERVAL);
    }

    /** With another interval between health checks of a running instance (tests). */
    AppServer(AppConfig config, Path dataDir, Map<String, String> extraEnv, AppListener listener,
            Duration healthInterval) {
        this.config = config;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.extraEnv = Map.copyOf(extraEnv);
        this.listener = listener;
        this.healthInterval = healthInterval;
    }

    /**
     * Stops what a crashed earlier run left in {@code run/app-N.pid}, starts the instances and returns once all are
     * healthy, or once some are and the others were given up (crash loop) or missed the start timeout (they keep
     * being restarted). Throws, having stopped everything it started, when none became healthy.
     */
    public void start() throws IOException, InterruptedException {
        synchronized (this) {
            if (lifecycle != Lifecycle.NEW) {
                throw new IllegalStateException("the app server can start once; it is " + lifecycle);
            }
            lifecycle = Lifecycle.STARTING;
        }
        try {
            Path logs = Files.createDirectories(dataDir.resolve("logs"));
            Path run = Files.createDirectories(dataDir.resolve("run"));
            new Leftovers(run, config.mark(), config.stopGrace(), this::event).stop();
            spawnAll(logs, run);
            awaitHealthy();
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        synchronized (this) {
            if (lifecycle == Lifecycle.STARTING) {
                lifecycle = Lifecycle.RUNNING;
            }
        }
    }

    private synchronized void spawnAll(Path logs, Path run) {
        if (lifecycle == Lifecycle.CLOSED) {
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        probeExecutor = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "app-health-" + threads.incrementAndGet());
            t.setDaemon(true);
            synchronized (probeThreads) {
                probeThreads.add(t);
            }
            return t;
        });
        HealthProbe probe = new HealthProbe(HealthProbe.clientBuilder().executor(probeExecutor).build(),
                config.healthPath());
        Map<String, String> env = new HashMap<>(config.env());
        env.putAll(extraEnv);
        for (int i = 1; i <= config.instances(); i++) {
            supervisors.add(new InstanceSupervisor(i, config, Map.copyOf(env), probe, healthInterval,
                    new RotatingLog(logs.resolve("app-" + i + ".log"), config.logMaxBytes(), config.logFilesKept()),
                    new PidFile(run.resolve("app-" + i + ".pid")), listener, this::wakeStart));
        }
        // A safety net should the JVM exit without close(): no instance outlives webstack.
        shutdownHook = new Thread(this::close, "app-server-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        supervisors.forEach(InstanceSupervisor::start);
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + config.startTimeout().toNanos();
        while (true) {
            synchronized (this) {
                if (lifecycle == Lifecycle.CLOSED) {
                    throw new IOException("the app server was closed while starting");
                }
            }
            List<InstanceStatus> all = status();
            long healthy = all.stream().filter(s -> s.state() == InstanceState.HEALTHY).count();
            long givenUp = all.stream().filter(InstanceStatus::crashLoop).count();
            boolean timedOut = System.nanoTime() - deadline >= 0;
            if (healthy > 0 && (healthy + givenUp == all.size() || timedOut)) {
                if (healthy < all.size()) {
                    event("app: " + healthy + " of " + all.size() + " instances healthy; serving with those ("
                            + describeUnhealthy() + ")");
                }
                return;
            }
            if (givenUp == all.size() || timedOut) {
                throw new IOException("no app instance answered GET http://127.0.0.1:PORT" + config.healthPath()
                        + " with 200 within " + seconds(config.startTimeout()) + " s: " + describeUnhealthy()
                        + " (their output is in " + dataDir.resolve("logs") + "/app-N.log)");
            }
            synchronized (settled) {
                if (!changed) {
                    long left = Math.min(deadline - System.nanoTime(), Duration.ofMillis(500).toNanos());
                    if (left > 0) {
                        TimeUnit.NANOSECONDS.timedWait(settled, left);
                    }
                }
                changed = false;
            }
        }
    }

    private String describeUnhealthy() {
        return supervisors.stream().filter(s -> s.status().state() != InstanceState.HEALTHY)
                .map(InstanceSupervisor::describe).collect(Collectors.joining("; "));
    }

    /** Each instance's pid, port, state, uptime, restarts and last exit code, in index order. */
    public List<InstanceStatus> status() {
        List<InstanceSupervisor> all;
        synchronized (this) {
            all = List.copyOf(supervisors);
        }
        return all.stream().map(InstanceSupervisor::status).toList();
    }

    /**
     * Stops every instance: each one in the pool is drained first ({@link AppListener#leaving}, waited up to the stop
     * grace), then gets SIGTERM, and SIGKILL once the stop grace has passed. The instances stop side by side, so this
     * takes at most about twice the stop grace. Idempotent; works after a failed or partial start.
     */
    @Override
    public void close() {
        List<InstanceSupervisor> all;
        synchronized (this) {
            if (lifecycle == Lifecycle.CLOSED) {
                all = null;
            } else {
                lifecycle = Lifecycle.CLOSED;
                all = List.copyOf(supervisors);
            }
        }
        if (all == null) {
            awaitClosedElsewhere(); // a second caller (the shutdown hook, say) returns once the instances are stopped
            return;
        }
        wakeStart();
        all.forEach(InstanceSupervisor::requestStop);
        long deadline = System.nanoTime() + config.stopGrace().multipliedBy(2).plus(CLOSE_SLACK).toNanos();
        try {
            for (InstanceSupervisor s : all) {
                if (!s.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    event("app: " + s.describe() + " did not stop in time; its pid file is left for the next start");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (probeExecutor != null) {
                probeExecutor.shutdownNow();
            }
        }
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            List<Thread> threads;
            synchronized (probeThreads) {
                threads = List.copyOf(probeThreads);
            }
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeShutdownHook();
        closed.countDown();
    }

    private void awaitClosedElsewhere() {
        try {
            closed.await(config.stopGrace().multipliedBy(2).plus(CLOSE_SLACK).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void removeShutdownHook() {
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running or has run
            }
        }
        shutdownHook = null;
    }

    private void wakeStart() {
        synchronized (settled) {
            changed = true;
            settled.notifyAll();
        }
    }

    private void event(String message) {
        try {
            listener.event(message);
        } catch (RuntimeException e) {
            // the listener's own log is broken; nothing more to do here
        }
    }

    /** Seconds as a person writes them: 2, 0.05, 1.5. */
    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    private enum Lifecycle { NEW, STARTING, RUNNING, CLOSED }
}
