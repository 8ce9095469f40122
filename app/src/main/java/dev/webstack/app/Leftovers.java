package dev.webstack.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * Stops the instances a crashed earlier run left running, found through {@code run/app-N.pid} and, for instances a
 * restart or deploy started, {@code run/app-N.G.pid} (see {@link PidFile}). A pid file names a leftover only when
 * that process still runs, its command line holds the {@linkplain AppConfig#mark mark} (the jar, say) written in the
 * pid file, and it started before the pid file was written: a pid reused by an unrelated process, or by an instance
 * of another stack running the same jar, is left alone. The mark comes from the file, not from the config, because
 * a deploy may have run another jar than the config file names; a file holding only a pid (an earlier version's) is
 * checked against the config's mark. Leftovers get SIGTERM together, and SIGKILL after the stop grace.
 */
final class Leftovers {
    /** /proc start times are derived from the boot time in whole seconds. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(2);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final Path runDir;
    private final String configMark;
    private final Duration grace;
    private final Consumer<String> report;

    /** @param configMark what a pid file without a mark is checked against: the config's {@link AppConfig#mark} */
    Leftovers(Path runDir, String configMark, Duration grace, Consumer<String> report) {
        this.runDir = runDir;
        this.configMark = configMark;
        this.grace = grace;
        this.report = report;
    }

    void stop() throws IOException, InterruptedException {
        List<Found> found = new ArrayList<>();
        for (Path file : pidFiles()) {
            PidFile pidFile = new PidFile(file);
            OptionalLong pid = pidFile.read();
            Optional<ProcessHandle> process = pid.isPresent()
                    ? ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive) : Optional.empty();
            if (process.isPresent()) {
                Optional<String> stranger = strangerReason(process.get(), file, pidFile.mark().orElse(configMark));
                if (stranger.isEmpty()) {
                    found.add(new Found(instanceName(file), process.get(), pidFile));
                    process.get().destroy();
                    continue;
                }
                report.accept("run/" + file.getFileName() + " names pid " + pid.getAsLong() + ", which "
                        + stranger.get() + ": left alone");
            }
            pidFile.delete();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Found leftover : found) {
            long left = Math.max(0, deadline - System.nanoTime());
            boolean clean = waitFor(leftover.process(), Duration.ofNanos(left));
            if (!clean) {
                leftover.process().destroyForcibly();
                waitFor(leftover.process(), KILL_WAIT);
            }
            leftover.pidFile().delete();
            report.accept("stopped " + leftover.name() + " (pid " + leftover.process().pid()
                    + ") left running by an earlier run" + (clean ? ""
                    : " (it ignored SIGTERM for " + AppServer.seconds(grace) + " s and was killed)"));
        }
    }

    private List<Path> pidFiles() throws IOException {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runDir)) {
            return files.filter(f -> PidFile.NAME.matcher(f.getFileName().toString()).matches()).sorted().toList();
        }
    }

    /** Why the process is not this app's leftover, or empty when it is. */
    private static Optional<String> strangerReason(ProcessHandle process, Path pidFile, String mark) {
        List<String> args;
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            args = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return Optional.of("cannot be inspected (" + e.getMessage() + ")");
        }
        if (!args.contains(mark)) {
            String shown = String.join(" ", args);
            return Optional.of("runs something else (" + (shown.length() > 120 ? shown.substring(0, 120) + "…"
                    : shown) + ")");
        }
        Optional<Instant> started = process.info().startInstant();
        try {
            Instant written = Files.getLastModifiedTime(pidFile).toInstant();
            if (started.isPresent() && started.get().isAfter(written.plus(CLOCK_SLACK))) {
                return Optional.of("started after the pid file was written (the pid was reused)");
            }
        } catch (IOException e) {
            return Optional.of("cannot be checked against its pid file (" + e.getMessage() + ")");
        }
        return Optional.empty();
    }

    /** {@code app-N}, whatever the generation: the slot is what a person knows the instance by. */
    private static String instanceName(Path pidFile) {
        Matcher m = PidFile.NAME.matcher(pidFile.getFileName().toString());
        return m.matches() ? "app-" + m.group(1) : pidFile.getFileName().toString();
    }

    private static boolean waitFor(ProcessHandle process, Duration bound) throws InterruptedException {
        try {
            process.onExit().get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !process.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        }
    }

    private record Found(String name, ProcessHandle process, PidFile pidFile) {
    }
}
