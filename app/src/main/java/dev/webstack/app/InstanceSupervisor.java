package dev.webstack.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Owns app instance N for the life of an {@link AppServer}, or until a restart or deploy replaces it: one thread
 * runs the instance's loop, which reads like Passenger's and Kamal's lifecycle of a target:
 *
 * <pre>
 *   loop: spawn on a free port ─▶ STARTING: check health every 100 ms until a 200 (or start-timeout: stop it)
 *         ─▶ HEALTHY (listener.healthy): check every few seconds; 3 failures ─▶ UNHEALTHY (listener.leaving), a 200
 *            brings it back
 *         ─▶ exits on its own: CRASHED (listener.leaving if it was in the pool) ─▶ crash loop? give up
 *                                                                              : wait the backoff, restart
 *   on stop: DRAINING (listener.leaving, waited up to stop-grace) ─▶ SIGTERM ─▶ SIGKILL after stop-grace ─▶ STOPPED
 * </pre>
 *
 * Every transition goes through {@link #move}, which holds the {@link InstanceState} contract. Listener calls are
 * made from this thread, never under the lock, and before the move they announce: once {@link #status} (or
 * {@link AppServer#start} returning) shows an instance HEALTHY, the listener has been told.
 *
 * <p>A restart or deploy ({@link RollingReplace}) starts a second supervisor for the slot, beside the first, <em>on
 * trial</em>: until its instance has been healthy once, an exit (or the start timeout) is not met with a restart but
 * ends the trial ({@link #trialFailure}), so that the replacement is rolled back at once rather than after a crash
 * loop. Once healthy it is an ordinary supervisor. Supervisors of one slot share its log, which the
 * {@link AppServer} owns and closes.
 */
final class InstanceSupervisor {
    private static final int UNHEALTHY_AFTER = 3;
    private static final int BIND_ATTEMPTS = 3;
    private static final Duration STARTING_CHECK_INTERVAL = Duration.ofMillis(100);
    private static final Duration OUTPUT_WAIT = Duration.ofSeconds(2);

    private final int index;
    private final String name;
    private final AppConfig config;
    private final Map<String, String> env;
    private final HealthProbe probe;
    private final Duration healthInterval;
    private final RotatingLog log;
    private final PidFile pidFile;
    private final AppListener listener;
    private final Runnable changed;
    private final boolean trial;
    private final RestartBackoff backoff;
    private final Thread thread;

    // guarded by this
    private InstanceState state = InstanceState.STOPPED;
    private InstanceProcess process;
    private Instance instance;
    private int restarts;
    private OptionalInt lastExitCode = OptionalInt.empty();
    private boolean crashLoop;
    private String lastCheck = "none yet";
    private String lastOutput = "";
    private boolean stopRequested;
    /** The drain begun when the instance turned unhealthy; null while it is in the pool. */
    private CompletableFuture<Void> unhealthyDrain;
    private Instance firstHealthy;
    private String trialFailure;

    /**
     * @param env the config's environment and the stack's extras; PORT, BIND and APP_INSTANCE are added per spawn
     * @param log the slot's log, shared with the other supervisors of the slot and closed by the {@link AppServer}
     * @param changed run after each change of state, to wake {@link AppServer#start} and a replace
     * @param trial whether an exit before the instance was ever healthy ends the loop instead of a restart
     */
    InstanceSupervisor(int index, AppConfig config, Map<String, String> env, HealthProbe probe,
            Duration healthInterval, RotatingLog log, PidFile pidFile, AppListener listener, Runnable changed,
            boolean trial) {
        this.index = index;
        this.name = "app-" + index;
        this.config = config;
        this.env = env;
        this.probe = probe;
        this.healthInterval = healthInterval;
        this.log = log;
        this.pidFile = pidFile;
        this.listener = listener;
        this.changed = changed;
        this.trial = trial;
        this.backoff = new RestartBackoff(config.restartBackoffMin(), config.restartBackoffMax(),
                config.crashLoopFailures(), config.crashLoopWindow());
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks the loop to drain and stop the instance; {@link #awaitStopped} waits for it. */
    synchronized void requestStop() {
        stopRequested = true;
        notifyAll();
    }

    /** Waits up to {@code bound} for the loop to end; false when it is still running. */
    boolean awaitStopped(Duration bound) throws InterruptedException {
        if (thread.getState() == Thread.State.NEW) {
            return true;
        }
        thread.join(Math.max(1, bound.toMillis()));
        return !thread.isAlive();
    }

    /** Whether the loop has ended (its instance is stopped, or it never started): {@link #awaitStopped} is done. */
    boolean hasEnded() {
        return thread.getState() == Thread.State.TERMINATED;
    }

    int index() {
        return index;
    }

    AppConfig config() {
        return config;
    }

    synchronized InstanceStatus status() {
        return new InstanceStatus(index, process == null ? 0 : process.pid(), process == null ? 0 : process.port(),
                state, process == null ? Duration.ZERO : process.uptime(), restarts, lastExitCode, crashLoop, false);
    }

    /** The first of its instances the listener was told is healthy; null while none was. */
    synchronized Instance firstHealthy() {
        return firstHealthy;
    }

    /**
     * On trial: why its instance was given up before it was ever healthy, as words after "the new instance"
     * ("exited with code 3 before it was healthy"); null while it was not.
     */
    synchronized String trialFailure() {
        return trialFailure;
    }

    /** One line for an error message: where it is, its last health check and its last words. */
    synchronized String describe() {
        StringBuilder s = new StringBuilder(name);
        if (process != null) {
            s.append(" (pid ").append(process.pid()).append(", port ").append(process.port()).append(")");
        }
        s.append(": ").append(state.name().toLowerCase());
        if (crashLoop) {
            s.append(" in a crash loop");
        }
        lastExitCode.ifPresent(code -> s.append(", last exit code ").append(code));
        s.append(", last health check: ").append(lastCheck);
        String output = process != null ? process.output().lastLine() : lastOutput;
        if (!output.isEmpty()) {
            s.append(", last output: \"").append(output).append('"');
        }
        return s.toString();
    }

    private void run() {
        try {
            int bindFailures = 0;
            while (!isStopRequested()) {
                Exit exit = runProcess();
                if (exit == null || isStopRequested()) {
                    break; // asked to stop while it ran: stopped below
                }
                if (exit.portTaken() && ++bindFailures < BIND_ATTEMPTS) {
                    log.line("port " + exit.port() + " was taken before it could bind it: starting again on another");
                    continue;
                }
                bindFailures = 0;
                if (trial && firstHealthy() == null) {
                    synchronized (this) {
                        trialFailure = exit.why();
                    }
                    log.line("not restarted: it was started by a restart or deploy, which gives it up");
                    changed.run();
                    awaitStop(null);
                    break;
                }
                if (backoff.exited(System.nanoTime())) {
                    synchronized (this) {
                        crashLoop = true;
                    }
                    String message = name + " is in a CRASH LOOP: " + backoff.failures() + " exits within "
                            + AppServer.seconds(backoff.window()) + " s (last exit code " + exit.code()
                            + "); it is not restarted again (its output: " + log.file() + ")";
                    log.line(message);
                    event(message);
                    changed.run();
                    awaitStop(null);
                    break;
                }
                Duration delay = backoff.nextDelay();
                log.line("restarting in " + AppServer.seconds(delay) + " s");
                event(name + " exited with code " + exit.code() + "; restarting in " + AppServer.seconds(delay) + " s");
                if (awaitStop(delay)) {
                    break;
                }
                synchronized (this) {
                    restarts++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            event(name + ": supervisor failed: " + e);
        } finally {
            stopProcess();
            changed.run();
        }
    }

    /** Spawns the instance and watches it until it exits (its exit, described) or a stop is asked (null). */
    private Exit runProcess() throws InterruptedException {
        move(InstanceState.STARTING);
        int port;
        InstanceProcess p;
        try {
            port = freePort();
            p = InstanceProcess.spawn(name, config.command(), envFor(port), port, log);
        } catch (IOException e) {
            log.line("could not start " + config.command() + ": " + e.getMessage());
            synchronized (this) {
                lastCheck = "not started: " + e.getMessage();
            }
            move(InstanceState.CRASHED);
            return new Exit(-1, 0, false, "could not be started (" + e.getMessage() + ")");
        }
        Instance started = new Instance(index, p.pid(), port);
        synchronized (this) {
            process = p;
            instance = started;
        }
        log.line("started pid " + p.pid() + " on port " + port);
        try {
            pidFile.write(p.pid(), config.mark());
        } catch (IOException e) {
            event(name + ": could not write " + pidFile.path() + " (" + e.getMessage() + "): if webstack crashes, "
                    + "pid " + p.pid() + " is not stopped at the next start");
        }
        p.onExit().thenRun(this::wake);
        changed.run();

        String stoppedBecause = watch(p, started);
        if (isStopRequested() && p.isAlive()) {
            return null;
        }
        p.awaitOutput(OUTPUT_WAIT); // its last words before our line
        OptionalInt exitCode = p.exitCode();
        int code = exitCode.orElse(-1);
        boolean wasInPool = state() == InstanceState.HEALTHY;
        boolean wasStarting = state() == InstanceState.STARTING;
        if (wasInPool) {
            leaving(started); // not waited for: it is gone already
        }
        if (exitCode.isPresent()) {
            pidFile.deleteIfNames(p.pid());
            log.line("exited with code " + code);
        } else { // survived SIGKILL after its start timeout: its pid file stays, for the next start to deal with
            log.line("pid " + p.pid() + " survived SIGKILL (stuck in the kernel?): left to the next start");
        }
        synchronized (this) {
            process = null;
            lastExitCode = OptionalInt.of(code);
            lastOutput = p.output().lastLine();
            move(InstanceState.CRASHED);
        }
        boolean portTaken = wasStarting && p.output().tail().contains("Address already in use");
        return new Exit(code, port, portTaken, stoppedBecause != null ? stoppedBecause
                : "exited with code " + code + (wasStarting ? " before it was healthy" : ""));
    }

    /**
     * Health-checks the running process until it exits or a stop is asked (null), or until it missed its start
     * timeout and was stopped (why, in words).
     */
    private String watch(InstanceProcess p, Instance started) throws InterruptedException {
        long startDeadline = System.nanoTime() + config.startTimeout().toNanos();
        long healthySince = 0;
        boolean recovered = false;
        int failures = 0;
        while (!isStopRequested() && p.isAlive()) {
            if (state() == InstanceState.STARTING) {
                HealthProbe.Result result = check(p);
                if (result == null) {
                    return null; // exited during the check
                }
                if (result.ok()) {
                    log.line("healthy: GET " + probe.url(p.port()) + " answered 200");
                    healthy(started);
                    synchronized (this) { // one step: a replace that sees firstHealthy finds it HEALTHY too
                        move(InstanceState.HEALTHY);
                        if (firstHealthy == null) {
                            firstHealthy = started;
                        }
                    }
                    healthySince = System.nanoTime();
                } else if (System.nanoTime() - startDeadline > 0) {
                    String why = "not healthy within " + AppServer.seconds(config.startTimeout()) + " s (GET "
                            + probe.url(p.port()) + ": " + result.detail() + ")";
                    log.line(why + ": stopping it");
                    event(name + " " + why + ": stopping it");
                    p.terminate(config.stopGrace());
                    return "was " + why + ", and was stopped";
                } else {
                    awaitStopOrExit(STARTING_CHECK_INTERVAL);
                }
                continue;
            }
            if (awaitStopOrExit(healthInterval)) {
                return null;
            }
            HealthProbe.Result result = check(p);
            if (result == null) {
                return null;
            }
            if (result.ok()) {
                failures = 0;
                if (state() == InstanceState.UNHEALTHY) {
                    log.line("healthy again: back in the pool");
                    event(name + " is healthy again: back in the pool");
                    healthy(started);
                    move(InstanceState.HEALTHY);
                    healthySince = System.nanoTime();
                } else if (!recovered && System.nanoTime() - healthySince >= config.crashLoopWindow().toNanos()) {
                    recovered = true;
                    backoff.reset();
                }
            } else if (++failures == UNHEALTHY_AFTER && state() == InstanceState.HEALTHY) {
                String why = "unhealthy: " + UNHEALTHY_AFTER + " health checks failed in a row (last: "
                        + result.detail() + "): out of the pool, still running";
                log.line(why);
                event(name + " " + why);
                CompletableFuture<Void> drained = leaving(started);
                synchronized (this) {
                    unhealthyDrain = drained; // a stop while it is out of the pool waits for this drain
                }
                move(InstanceState.UNHEALTHY);
            }
        }
        return null;
    }

    /** A health check, or null when the process exited meanwhile (a refused connection then says nothing). */
    private HealthProbe.Result check(InstanceProcess p) throws InterruptedException {
        HealthProbe.Result result = probe.check(p.port());
        if (!p.isAlive()) {
            return null;
        }
        synchronized (this) {
            lastCheck = result.detail();
        }
        return result;
    }

    /** Drains and stops the running process, if any: DRAINING, SIGTERM, SIGKILL after the grace; then STOPPED. */
    private void stopProcess() {
        InstanceProcess p;
        Instance running;
        boolean inPool;
        CompletableFuture<Void> outOfPool;
        synchronized (this) {
            p = process;
            running = instance;
            if (p == null) {
                if (state == InstanceState.CRASHED) {
                    move(InstanceState.STOPPED);
                }
                return;
            }
            inPool = state == InstanceState.HEALTHY;
            outOfPool = state == InstanceState.UNHEALTHY ? unhealthyDrain : null;
            move(InstanceState.DRAINING);
        }
        try {
            if (inPool) {
                drain(running);
            } else if (outOfPool != null) {
                // Taken out when it turned unhealthy: its requests in flight then may still be running.
                awaitDrain(outOfPool);
            }
            boolean killed = p.terminate(config.stopGrace());
            p.awaitOutput(OUTPUT_WAIT);
            OptionalInt code = p.exitCode();
            if (code.isEmpty()) {
                log.line("pid " + p.pid() + " survived SIGKILL (stuck in the kernel?): left to the next start");
                event(name + " (pid " + p.pid() + ") survived SIGKILL: left to the next start");
                return;
            }
            log.line((killed ? "still running " + AppServer.seconds(config.stopGrace()) + " s after SIGTERM: killed; "
                    : "stopped; ") + "exited with code " + code.getAsInt());
            pidFile.deleteIfNames(p.pid());
            synchronized (this) {
                lastExitCode = code;
                lastOutput = p.output().lastLine();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // terminate has sent SIGKILL
        } finally {
            synchronized (this) {
                process = null;
                move(InstanceState.STOPPED);
            }
        }
    }

    /** listener.leaving, waited for up to the stop grace. */
    private void drain(Instance running) throws InterruptedException {
        awaitDrain(leaving(running));
    }

    private void awaitDrain(CompletableFuture<Void> drained) throws InterruptedException {
        try {
            drained.get(config.stopGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            event(name + " was not drained within " + AppServer.seconds(config.stopGrace()) + " s: stopping it anyway");
        } catch (ExecutionException e) {
            event(name + ": draining failed (" + e.getCause() + "): stopping it anyway");
        }
    }

    private void healthy(Instance running) {
        try {
            listener.healthy(running);
        } catch (RuntimeException e) {
            event("the app listener failed on healthy(" + running + "): " + e);
        }
    }

    private CompletableFuture<Void> leaving(Instance running) {
        try {
            CompletableFuture<Void> drained = listener.leaving(running);
            return drained == null ? CompletableFuture.completedFuture(null) : drained;
        } catch (RuntimeException e) {
            event("the app listener failed on leaving(" + running + "): " + e);
            return CompletableFuture.completedFuture(null);
        }
    }

    private void event(String message) {
        try {
            listener.event(message);
        } catch (RuntimeException e) {
            // the listener's log is broken; the instance's own log has the line
        }
    }

    private Map<String, String> envFor(int port) {
        Map<String, String> all = new HashMap<>(env);
        // Ours last: the supervisor must know the port it health-checks.
        all.put("PORT", Integer.toString(port));
        all.put("BIND", Instance.HOST);
        all.put("APP_INSTANCE", Integer.toString(index));
        return all;
    }

    private synchronized void move(InstanceState next) {
        if (!next.follows(state)) {
            throw new IllegalStateException(name + ": " + state + " -> " + next
                    + " breaks the instance lifecycle (see InstanceState)");
        }
        state = next;
        changed.run();
    }

    private synchronized InstanceState state() {
        return state;
    }

    private synchronized boolean isStopRequested() {
        return stopRequested;
    }

    private synchronized void wake() {
        notifyAll();
    }

    /** Waits until a stop is asked or the running process exits, at most {@code bound}; true when either happened. */
    private synchronized boolean awaitStopOrExit(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!stopRequested && (process == null || process.isAlive())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Waits until a stop is asked, at most {@code bound} (null: no bound); true when one was. */
    private synchronized boolean awaitStop(Duration bound) throws InterruptedException {
        long deadline = bound == null ? 0 : System.nanoTime() + bound.toNanos();
        while (!stopRequested) {
            if (bound == null) {
                wait();
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(Instance.HOST))) {
            return s.getLocalPort();
        }
    }

    /**
     * How a process ended: its code, its port, whether it failed to bind that port (not a crash then), and what
     * happened in words after "the instance" ("exited with code 3 before it was healthy").
     */
    private record Exit(int code, int port, boolean portTaken, String why) {
    }
}
