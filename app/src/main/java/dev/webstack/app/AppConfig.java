package dev.webstack.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the app tier runs the site's code: the command of one instance, how many to run, and the bounds of their
 * health checks, restarts and logs. Immutable, and checked whole when built.
 *
 * @param command the program and its arguments, for example {@code [java, -jar, /srv/site.jar]}; run through
 *        {@code setsid} with {@code PORT}, {@code BIND} and {@code APP_INSTANCE} added to its environment. Its first
 *        argument that is not an option (here the jar) also identifies an instance left running by a crashed run
 * @param instances how many instances to run (default 2: one crash or deploy leaves one serving)
 * @param env added to each instance's environment, over webstack's own (default none)
 * @param healthPath the path each instance must answer with 200 to be in the pool (default {@code /healthz})
 * @param startTimeout how long an instance may take to answer its health path after it was spawned; one that does
 *        not is stopped and counts as a crash (default 60 s)
 * @param stopGrace how long an instance may drain, and then how long it has between SIGTERM and SIGKILL
 *        (default 10 s)
 * @param logMaxBytes the size at which {@code logs/app-N.log} is rotated (default 10 MiB)
 * @param logFilesKept how many rotated files ({@code app-N.log.1} …) are kept (default 5)
 * @param restartBackoffMin the wait before the first restart after a crash; it doubles at each further crash
 *        (default 1 s)
 * @param restartBackoffMax the longest wait before a restart (default 30 s); the wait is back to the minimum once
 *        an instance has stayed healthy for a whole {@code crashLoopWindow}
 * @param crashLoopFailures this many exits within {@code crashLoopWindow} make a crash loop: the instance is no
 *        longer restarted (default 5)
 * @param crashLoopWindow see {@code crashLoopFailures} (default 60 s)
 */
public record AppConfig(List<String> command, int instances, Map<String, String> env, String healthPath,
        Duration startTimeout, Duration stopGrace, long logMaxBytes, int logFilesKept,
        Duration restartBackoffMin, Duration restartBackoffMax, int crashLoopFailures, Duration crashLoopWindow) {

    public AppConfig {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("command: " + command + " (expected: a program and its arguments)");
        }
        if (instances < 1) {
            throw new IllegalArgumentException("instances: " + instances + " (expected: >= 1)");
        }
        if (healthPath == null || !healthPath.startsWith("/")) {
            throw new IllegalArgumentException("health-path: " + healthPath + " (expected: a path starting with /)");
        }
        positive("start-timeout", startTimeout);
        positive("stop-grace", stopGrace);
        if (logMaxBytes < 1024) {
            throw new IllegalArgumentException("log-max-bytes: " + logMaxBytes + " (expected: >= 1024)");
        }
        if (logFilesKept < 0) {
            throw new IllegalArgumentException("log-files-kept: " + logFilesKept + " (expected: >= 0)");
        }
        positive("restart-backoff-min", restartBackoffMin);
        positive("restart-backoff-max", restartBackoffMax);
        if (restartBackoffMax.compareTo(restartBackoffMin) < 0) {
            throw new IllegalArgumentException("restart-backoff-max: " + restartBackoffMax
                    + " (expected: >= restart-backoff-min, " + restartBackoffMin + ")");
        }
        if (crashLoopFailures < 1) {
            throw new IllegalArgumentException("crash-loop-failures: " + crashLoopFailures + " (expected: >= 1)");
        }
        positive("crash-loop-window", crashLoopWindow);
    }

    /** The defaults documented on each component, for the given command. */
    public static AppConfig defaults(List<String> command) {
        return new AppConfig(command, 2, Map.of(), "/healthz", Duration.ofSeconds(60), Duration.ofSeconds(10),
                10L << 20, 5, Duration.ofSeconds(1), Duration.ofSeconds(30), 5, Duration.ofSeconds(60));
    }

    /** The same bounds for another command: what a deploy of a new version runs. */
    public AppConfig withCommand(List<String> next) {
        return new AppConfig(next, instances, env, healthPath, startTimeout, stopGrace, logMaxBytes, logFilesKept,
                restartBackoffMin, restartBackoffMax, crashLoopFailures, crashLoopWindow);
    }

    /**
     * The argument that tells this app's processes from others: the first one after the program that is not an
     * option ({@code /srv/site.jar} in {@code java -Xmx1g -jar /srv/site.jar}), or the program itself.
     */
    String mark() {
        return command.stream().skip(1).filter(a -> !a.startsWith("-")).findFirst().orElse(command.get(0));
    }

    private static void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: > 0)");
        }
    }
}
