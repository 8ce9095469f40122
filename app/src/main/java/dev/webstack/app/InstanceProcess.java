package dev.webstack.app;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One spawned process of an instance, with the thread that pumps its output into the instance's log.
 *
 * <pre>
 *   supervisor ──spawn──▶ setsid COMMAND (own session; PORT, BIND, APP_INSTANCE in its environment)
 *                              │ stdout + stderr, one pipe
 *                              ▼
 *                        app-N-output thread (OutputPump) ──▶ logs/app-N.log (RotatingLog)
 * </pre>
 */
final class InstanceProcess {
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final Process process;
    private final int port;
    private final long spawnedNanos;
    private final OutputPump output;
    private final Thread pump;

    private InstanceProcess(Process process, int port, OutputPump output, Thread pump) {
        this.process = process;
        this.port = port;
        this.spawnedNanos = System.nanoTime();
        this.output = output;
        this.pump = pump;
    }

    /**
     * Starts {@code command} through {@code setsid}, which execs it in place (the pid we see is the program's) in a
     * session of its own: a Ctrl-C in the terminal of {@code webstack up} reaches only webstack, which then stops the
     * instances in order, draining them first.
     */
    static InstanceProcess spawn(String name, List<String> command, Map<String, String> env, int port,
            RotatingLog log) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("setsid");
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        OutputPump output = new OutputPump(process.getInputStream(), log);
        Thread pump = new Thread(output, name + "-output");
        pump.setDaemon(true);
        pump.start();
        return new InstanceProcess(process, port, output, pump);
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - spawnedNanos);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    OutputPump output() {
        return output;
    }

    /** The exit code (128 + N after signal N), or empty while it still runs. */
    OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /**
     * Stops it: SIGTERM, then SIGKILL when it is still running after {@code grace}. Children it started and left
     * running are killed too, so none keeps the port or the output pipe. True when SIGKILL was needed.
     */
    boolean terminate(Duration grace) throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList(); // before they are orphaned to init
        boolean killed = false;
        // Signals go through the ProcessHandle: Process.destroy() would also close our end of the output pipe, and
        // the instance's last words (its shutdown messages) would be lost.
        ProcessHandle handle = process.toHandle();
        try {
            handle.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                killed = true;
                handle.destroyForcibly();
                process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            throw e;
        } finally {
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        return killed;
    }

    /** Waits, up to {@code bound}, for the rest of its output to reach the log; false when the pipe is still open. */
    boolean awaitOutput(Duration bound) throws InterruptedException {
        pump.join(Math.max(1, bound.toMillis()));
        return !pump.isAlive();
    }
}
