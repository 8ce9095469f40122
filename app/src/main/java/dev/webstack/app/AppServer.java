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
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The app tier: runs N instances of the site's code as child processes and keeps them alive (Passenger, Kamal).
 * Each instance has an {@link InstanceSupervisor}; the stack hears of instances joining and leaving the pool through
 * the {@link AppListener}. Files: {@code logs/app-N.log} (output, rotated; one per slot, shared by the old and the
 * new instance during a restart or deploy) and {@code run/app-N.pid} or {@code run/app-N.G.pid} (see
 * {@link PidFile}) in the data folder.
 *
 * <p>Lifecycle: the constructor does no I/O; {@link #start} stops leftovers of a crashed run, spawns the instances and
 * returns once all are healthy (or, at the start timeout, some are); {@link #replace} swaps them for new ones, one
 * slot at a time ({@code webstack restart app}, {@code webstack deploy}); {@link #close} drains and stops them, and
 * works after a failed or partial start and during a replace.
 */
public final class AppServer implements AutoCloseable {
    private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(2);
    /** Beyond the drain and the SIGTERM grace: SIGKILL's wait and the output's last bytes. */
    private static final Duration CLOSE_SLACK = Duration.ofSeconds(10);

    private volatile AppConfig config;
    private final Path dataDir;
    private final Path logsDir;
    private final Path runDir;
    private final Map<String, String> extraEnv;
    private final AppListener listener;
    private final Duration healthInterval;
    private final Object settled = new Object();
    /** One per slot, in index order: what {@link #status} shows. Guarded by this. */
    private final List<InstanceSupervisor> supervisors = new ArrayList<>();
    /**
     * Started or displaced by a replace and not (or no longer) in a slot: the new one until it is healthy, the old
     * one while it is stopped. {@link #close} stops these too. Guarded by this.
     */
    private final List<InstanceSupervisor> beside = new ArrayList<>();
    /** One per slot, shared by its successive supervisors, closed by {@link #close}. Guarded by this. */
    private final Map<Integer, RotatingLog> logs = new HashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private Lifecycle lifecycle = Lifecycle.NEW; // guarded by this
    private int generations; // guarded by this: see PidFile
    private boolean replaceRunning; // guarded by this
    private int replacingSlot; // guarded by this: the slot a replace has two processes in, 0 for none
    private boolean changed; // guarded by settled
    private HttpClient probeClient; // guarded by this
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
        this.logsDir = this.dataDir.resolve("logs");
        this.runDir = this.dataDir.resolve("run");
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
            Files.createDirectories(logsDir);
            Files.createDirectories(runDir);
            new Leftovers(runDir, config.mark(), config.stopGrace(), this::event).stop();
            spawnAll();
            awaitHealthy();
        } catch (IOException | InterruptedException | RuntimeException e) {
            // Interrupted (the stack was asked to stop while starting): the instances must still be stopped and
            // waited for, so the interrupt is held back until close has done that.
            boolean interrupted = Thread.interrupted();
            close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        synchronized (this) {
            if (lifecycle == Lifecycle.STARTING) {
                lifecycle = Lifecycle.RUNNING;
            }
        }
    }

    private synchronized void spawnAll() {
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
        probeClient = HealthProbe.clientBuilder().executor(probeExecutor).build();
        int generation = ++generations;
        for (int i = 1; i <= config.instances(); i++) {
            supervisors.add(supervisor(i, config, generation, false));
        }
        // A safety net should the JVM exit without close(): no instance outlives webstack.
        shutdownHook = new Thread(this::close, "app-server-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        supervisors.forEach(InstanceSupervisor::start);
    }

    /** A supervisor for slot {@code index}, writing to the slot's log and to its generation's pid file. */
    private InstanceSupervisor supervisor(int index, AppConfig with, int generation, boolean trial) {
        assert Thread.holdsLock(this);
        Map<String, String> env = new HashMap<>(with.env());
        env.putAll(extraEnv);
        // The slot's log keeps the bounds of the config that created it: old and new instance write to one file.
        RotatingLog log = logs.computeIfAbsent(index, i -> new RotatingLog(logsDir.resolve("app-" + i + ".log"),
                with.logMaxBytes(), with.logFilesKept()));
        return new InstanceSupervisor(index, with, Map.copyOf(env), new HealthProbe(probeClient, with.healthPath()),
                healthInterval, log, PidFile.of(runDir, index, generation), listener, this::stateChanged, trial);
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
            awaitChange(deadline - System.nanoTime());
        }
    }

    /** Waits until an instance changed state since the last call, at most {@code nanos} (and 500 ms). */
    private void awaitChange(long nanos) throws InterruptedException {
        synchronized (settled) {
            if (!changed) {
                long left = Math.min(nanos, Duration.ofMillis(500).toNanos());
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedWait(settled, left);
                }
            }
            changed = false;
        }
    }

    private String describeUnhealthy() {
        List<InstanceSupervisor> all;
        synchronized (this) {
            all = List.copyOf(supervisors);
        }
        return all.stream().filter(s -> s.status().state() != InstanceState.HEALTHY)
                .map(InstanceSupervisor::describe).collect(Collectors.joining("; "));
    }

    /** The config the instances run: the constructor's, or the last one {@link #replace} put in place. */
    public AppConfig config() {
        return config;
    }

    /**
     * Each slot's pid, port, state, uptime, restarts and last exit code, one entry per slot, in index order. During a
     * restart or deploy a slot shows its old instance (with {@link InstanceStatus#replacing}) until the new one is
     * healthy and in the pool; from then on the new one, while the old one is drained and stopped beside it. A slot
     * a deploy adds appears once its instance is healthy; a slot it removes disappears as its stop begins.
     */
    public List<InstanceStatus> status() {
        List<InstanceSupervisor> all;
        int replacing;
        synchronized (this) {
            all = List.copyOf(supervisors);
            replacing = replacingSlot;
        }
        return all.stream().map(s -> s.status().withReplacing(s.index() == replacing)).toList();
    }

    /**
     * Replaces every instance, one at a time, with one running {@code next} (the same config for a restart, a new
     * command for a deploy): for slot N, start a new instance, wait until it is healthy ({@link AppListener#healthy}
     * has put it in the pool), then stop the old one of slot N (drained through {@link AppListener#leaving}, SIGTERM,
     * SIGKILL after the grace). So each slot has an instance in the pool throughout. {@code progress} hears each step
     * ("app-1: new instance pid P on port X is healthy, in the pool"); the slot's log has the same lines.
     *
     * <p>A new instance that exits before it is healthy, or is not healthy within {@code next.startTimeout()}, is
     * stopped (not restarted) and the replacement is rolled back: slots already replaced get an instance of the
     * current config again, by the same steps, so the old version keeps serving; then this throws. An old instance
     * that was crashed, in a crash loop or unhealthy is simply stopped once its successor is healthy: a deploy is how
     * a crash loop is fixed. When {@code next} has more instances, the extra slots are started after the others
     * were replaced; when it has fewer, the surplus slots are stopped last. On success {@link #config} becomes
     * {@code next}.
     *
     * <p>One replace at a time, and only between {@link #start} and {@link #close}. A {@link #close} meanwhile stops
     * every instance, old and new, and this throws {@link ReplaceFailedException} (nothing is rolled back). An
     * interrupt stops the new instance of the slot being replaced if it is not yet healthy, leaves the slots done so
     * far on {@code next}, and throws {@link InterruptedException}; the config stays the current one.
     *
     * @throws ReplaceFailedException when a new instance failed (the message names the slot, why, and how the
     *         rollback went) or the server was closed meanwhile
     * @throws IllegalStateException when another replace is running, or the server is not running
     */
    public void replace(AppConfig next, Consumer<String> progress) throws ReplaceFailedException,
            InterruptedException {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(progress, "progress");
        synchronized (this) {
            switch (lifecycle) {
                case NEW -> throw new IllegalStateException(
                        "the app server was not started: a restart or deploy needs running instances");
                case STARTING -> throw new IllegalStateException(
                        "the app server is still starting: a restart or deploy can follow once start() has returned");
                case CLOSED -> throw new IllegalStateException(
                        "the app server is closed: there is nothing to restart or deploy");
                case RUNNING -> {
                }
            }
            if (replaceRunning) {
                throw new IllegalStateException("a restart or deploy is already running");
            }
            replaceRunning = true;
        }
        try {
            new RollingReplace(this, config, next, progress).run();
            config = next;
        } finally {
            synchronized (this) {
                replaceRunning = false;
                replacingSlot = 0;
            }
        }
    }

    // What RollingReplace does to the slots; the sequence itself is there.

    synchronized int nextGeneration() {
        return ++generations;
    }

    /**
     * Starts a supervisor, on trial, for slot {@code index} beside the slot's current one (or as a new slot's first);
     * {@link #status} marks the slot as being replaced.
     */
    synchronized InstanceSupervisor startBeside(int index, AppConfig with, int generation)
            throws ReplaceFailedException {
        if (lifecycle == Lifecycle.CLOSED) {
            throw RollingReplace.closedMeanwhile();
        }
        beside.removeIf(InstanceSupervisor::hasEnded); // left by an interrupted replace
        InstanceSupervisor s = supervisor(index, with, generation, true);
        beside.add(s);
        replacingSlot = index;
        s.start();
        return s;
    }

    /**
     * Waits until the supervisor on trial has had a healthy instance (true), or gave it up or ended (false).
     * Throws when the server was closed meanwhile. Its own start timeout bounds the wait.
     */
    boolean awaitTrial(InstanceSupervisor s) throws ReplaceFailedException, InterruptedException {
        while (true) {
            synchronized (this) {
                if (lifecycle == Lifecycle.CLOSED) {
                    throw RollingReplace.closedMeanwhile();
                }
            }
            if (s.firstHealthy() != null) {
                return true;
            }
            if (s.trialFailure() != null || s.hasEnded()) {
                return false;
            }
            awaitChange(Long.MAX_VALUE);
        }
    }

    /**
     * Puts the supervisor whose instance is healthy in its slot ({@link #status} shows it from now on) and returns
     * the one it displaces, now beside it until {@link #retire}d; null when it fills a new slot at the end.
     */
    synchronized InstanceSupervisor swapIn(InstanceSupervisor incoming) {
        beside.remove(incoming);
        if (incoming.index() == supervisors.size() + 1) {
            supervisors.add(incoming);
            return null;
        }
        InstanceSupervisor outgoing = supervisors.set(incoming.index() - 1, incoming);
        beside.add(outgoing);
        return outgoing;
    }

    /** Takes the last slot out of {@link #status}; its supervisor stays beside the others until {@link #retire}d. */
    synchronized InstanceSupervisor removeLastSlot() {
        InstanceSupervisor last = supervisors.remove(supervisors.size() - 1);
        beside.add(last);
        return last;
    }

    /**
     * Stops a supervisor beside the slots: its instance is drained if in the pool, sent SIGTERM, and SIGKILL after
     * its stop grace. False when it did not stop in time (then {@link #close} waits for it again).
     */
    boolean retire(InstanceSupervisor s) throws InterruptedException {
        s.requestStop();
        boolean stopped = s.awaitStopped(closeBound(s.config()));
        if (stopped) {
            synchronized (this) {
                beside.remove(s);
            }
        }
        return stopped;
    }

    synchronized void replacing(int slot) {
        replacingSlot = slot;
    }

    /** A line in the slot's log, among its instances' output; nothing once closed (the logs are). */
    synchronized void note(int index, String line) {
        RotatingLog log = logs.get(index);
        if (lifecycle != Lifecycle.CLOSED && log != null) {
            log.line(line);
        }
    }

    /**
     * Stops every instance: each one in the pool is drained first ({@link AppListener#leaving}, waited up to the stop
     * grace), then gets SIGTERM, and SIGKILL once the stop grace has passed. The instances stop side by side, so this
     * takes at most about twice the stop grace. Idempotent; works after a failed or partial start.
     */
    @Override
    public void close() {
        List<InstanceSupervisor> all = new ArrayList<>();
        synchronized (this) {
            if (lifecycle == Lifecycle.CLOSED) {
                all = null;
            } else {
                lifecycle = Lifecycle.CLOSED; // from now on a replace starts nothing: every supervisor is in all
                all.addAll(supervisors);
                all.addAll(beside);
            }
        }
        if (all == null) {
            awaitClosedElsewhere(); // a second caller (the shutdown hook, say) returns once the instances are stopped
            return;
        }
        stateChanged(); // wakes start() or a replace, which see CLOSED and give up
        all.forEach(InstanceSupervisor::requestStop);
        Duration bound = all.stream().map(s -> closeBound(s.config())).max(Duration::compareTo)
                .orElse(closeBound(config));
        long deadline = System.nanoTime() + bound.toNanos();
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
            logs.values().forEach(RotatingLog::close); // after the supervisors, whose last lines go there
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

    /** How long stopping an instance of {@code c} may take: drain, SIGTERM's grace, SIGKILL's wait, last output. */
    private static Duration closeBound(AppConfig c) {
        return c.stopGrace().multipliedBy(2).plus(CLOSE_SLACK);
    }

    private void awaitClosedElsewhere() {
        try {
            closed.await(closeBound(config).toMillis(), TimeUnit.MILLISECONDS);
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

    private void stateChanged() {
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
