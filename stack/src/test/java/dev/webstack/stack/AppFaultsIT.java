package dev.webstack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app tier's faults as a person running {@code webstack up} meets them: a command that exits at once, one that
 * never becomes healthy, one that floods its output, a port already taken, a database that cannot start, and the
 * {@code up} process itself killed with SIGKILL. Each ends with a clear message, and no process is left behind.
 */
class AppFaultsIT {
    private static final Pattern PID = Pattern.compile("\"index\":(\\d+),\"pid\":(\\d+)");

    @TempDir
    Path dir;

    private Path config(String app, String more) throws IOException {
        return Files.writeString(dir.resolve("webstack.yaml"), """
                db: { enabled: false }
                app:
                %s
                edge:
                  http: { port: 0 }
                  https: { enabled: false }
                dns: { enabled: false }
                %s""".formatted(app.indent(2).stripTrailing(), more));
    }

    private Path script(String name, String body) throws IOException {
        Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
        file.toFile().setExecutable(true);
        return file;
    }

    private static String tinyApp() {
        return "command: [java, " + WebstackProcess.REPO.resolve("stack/src/test/resources/apps/TinyApp.java") + "]";
    }

    @Test
    void aCommandThatExitsAtOnceStopsTheStartWithItsLastWords() throws Exception {
        Path broken = script("broken.sh", "echo 'cannot find my settings' >&2; exit 3");
        Path file = config("""
                command: [%s]
                restart-backoff-min: 100ms
                crash-loop-failures: 2
                start-timeout: 20s""".formatted(broken), "");

        WebstackProcess up = WebstackProcess.run(dir, "up", "-c", file.toString());

        assertThat(up.waitFor()).as(up.output()).isEqualTo(1);
        assertThat(up.output()).contains("app failed to start", "CRASH LOOP", "last exit code 3",
                "cannot find my settings").doesNotContain("edge  ready");
        assertThat(runDirPidFiles()).as("no instance pid file left").isEmpty();
    }

    @Test
    void aCommandThatNeverAnswersItsHealthPathIsStoppedAtTheStartTimeout() throws Exception {
        Path silent = script("silent.sh", "echo 'starting, slowly'; exec sleep 600");
        Path file = config("""
                command: [%s]
                instances: 1
                start-timeout: 2s
                stop-grace: 2s
                crash-loop-failures: 1""".formatted(silent), "");

        WebstackProcess up = WebstackProcess.run(dir, "up", "-c", file.toString());

        assertThat(up.waitFor()).as(up.output()).isEqualTo(1);
        assertThat(up.output()).contains("app failed to start: no app instance answered GET http://127.0.0.1:PORT"
                + "/healthz with 200 within 2 s", "last output: \"starting, slowly\"");
        assertThat(runDirPidFiles()).isEmpty();
        Matcher started = Pattern.compile("started pid (\\d+)")
                .matcher(Files.readString(dir.resolve("webstack-data/logs/app-1.log")));
        assertThat(started.find()).isTrue();
        assertThat(alive(Long.parseLong(started.group(1)))).as("the instance's process was stopped").isFalse();
    }

    @Test
    void sigtermWhileTheInstancesStartStopsAtOnceAndLeavesNothing() throws Exception {
        Path silent = script("slow.sh", "echo 'warming up for a long time'; exec sleep 600");
        Path file = config("""
                command: [%s]
                instances: 1
                start-timeout: 10m
                stop-grace: 2s""".formatted(silent), "");
        try (WebstackProcess up = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            Path log = dir.resolve("webstack-data/logs/app-1.log");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.exists(log) && Files.readString(log).contains("started pid"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Matcher started = Pattern.compile("started pid (\\d+)").matcher(Files.readString(log));
            assertThat(started.find()).isTrue();

            // terminate() waits 30 s at most, far less than the 10 minutes the start would otherwise take
            assertThat(up.terminate()).as(up.output()).isZero();

            assertThat(up.output()).contains("stopping (asked to while app was starting)", "app   stopped");
            assertThat(alive(Long.parseLong(started.group(1)))).isFalse();
            assertThat(runDirPidFiles()).isEmpty();
        }
    }

    @Test
    void aFloodOfOutputIsRotatedWithinItsBound() throws Exception {
        Path flood = script("flood.sh", "exec yes 'flood of output, line after line after line'");
        Path file = config("""
                command: [%s]
                instances: 1
                start-timeout: 3s
                stop-grace: 1s
                crash-loop-failures: 1
                log-max-size: 64k
                log-files-kept: 2""".formatted(flood), "");

        WebstackProcess up = WebstackProcess.run(dir, "up", "-c", file.toString());

        assertThat(up.waitFor()).as(up.output()).isEqualTo(1);
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir.resolve("webstack-data/logs"))) {
            logs = files.filter(f -> f.getFileName().toString().startsWith("app-1.log")).sorted().toList();
        }
        assertThat(logs).extracting(f -> f.getFileName().toString())
                .containsExactly("app-1.log", "app-1.log.1", "app-1.log.2");
        for (Path log : logs) {
            assertThat(Files.size(log)).as("%s", log).isLessThanOrEqualTo(64 * 1024);
        }
        assertThat(Files.readString(dir.resolve("webstack-data/logs/app-1.log.2"))).contains("flood of output");
    }

    @Test
    void anEdgePortAlreadyTakenStopsTheInstancesThatStarted() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            WebstackProcess up = upWith("http: { port: 0 }", "http: { port: " + taken.getLocalPort() + " }");

            assertThat(up.waitFor()).as(up.output()).isEqualTo(1);
            assertThat(up.output()).contains("app   ready   2 of 2 instances healthy",
                    "edge failed to start: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + ": address already in use", "app   stopped");
            assertThat(runDirPidFiles()).isEmpty();
        }
    }

    @Test
    void aDatabaseThatCannotStartStartsNoInstance() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            WebstackProcess up = upWith("db: { enabled: false }", "db: { port: " + taken.getLocalPort() + " }");

            assertThat(up.waitFor()).as(up.output()).isEqualTo(1);
            assertThat(up.output()).contains("db failed to start", Integer.toString(taken.getLocalPort()))
                    .doesNotContain("app   ready");
            assertThat(dir.resolve("webstack-data/logs/app-1.log")).doesNotExist();
        }
    }

    @Test
    void aNewUpAfterSigkillOfTheLastStopsWhatItLeftAndServes() throws Exception {
        Path file = config(tinyApp(), "");
        List<Long> orphans = new ArrayList<>();
        try (WebstackProcess first = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            first.awaitLine("webstack is up");
            WebstackProcess status = WebstackProcess.run(dir, "status", "--json", "-c", file.toString());
            Matcher m = PID.matcher(status.output());
            while (m.find()) {
                orphans.add(Long.parseLong(m.group(2)));
            }
            assertThat(orphans).hasSize(2);
            assertThat(first.signal("KILL")).isEqualTo(137);
        }
        try {
            for (long pid : orphans) {
                assertThat(alive(pid)).as("app instance %d outlives a SIGKILLed up (its own session)", pid).isTrue();
            }
            upAgainStopsTheLeftovers(file, orphans);
        } finally {
            for (long pid : orphans) { // ours: the instances the killed up started, if still the same processes
                ProcessHandle.of(pid).filter(p -> p.info().commandLine().orElse("").contains("TinyApp.java"))
                        .ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private void upAgainStopsTheLeftovers(Path file, List<Long> orphans) throws Exception {
        try (WebstackProcess second = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            int port = second.awaitReadyPorts()[0];
            second.awaitLine("webstack is up");
            String out = second.output();
            assertThat(out).contains("stopped app-1 (pid " + orphans.get(0) + ") left running by an earlier run",
                    "stopped app-2 (pid " + orphans.get(1) + ") left running by an earlier run",
                    "2 of 2 instances healthy");
            for (long pid : orphans) {
                assertThat(alive(pid)).as("leftover %d stopped", pid).isFalse();
            }
            String[] page = StackIT.curl("-s", "-H", "Host: www.foobar.com", "http://127.0.0.1:" + port + "/");
            assertThat(page[1]).startsWith("tiny app-");
            assertThat(second.terminate()).isZero();
        }
    }

    @Test
    void theAdminCommandsSayWhatIsWrongWithoutAStackOrWithBadArguments() throws Exception {
        Path file = config(tinyApp(), "");

        WebstackProcess status = WebstackProcess.run(dir, "status", "-c", file.toString());
        assertThat(status.waitFor()).isEqualTo(1);
        assertThat(status.output()).contains("no stack is running on the data folder " + dir.resolve("webstack-data"));

        WebstackProcess restartDb = WebstackProcess.run(dir, "restart", "db", "-c", file.toString());
        assertThat(restartDb.waitFor()).isEqualTo(2);
        assertThat(restartDb.output()).contains("cannot restart 'db' while the stack runs: only app");

        WebstackProcess missingJar = WebstackProcess.run(dir, "deploy", "--jar", "no-such.jar", "-c", file.toString());
        assertThat(missingJar.waitFor()).isEqualTo(2);
        assertThat(missingJar.output()).contains("--jar: file not found: " + dir.resolve("no-such.jar"));

        WebstackProcess both = WebstackProcess.run(dir, "deploy", "--jar", "a.jar", "--command", "b", "-c",
                file.toString());
        assertThat(both.waitFor()).isEqualTo(2);
        assertThat(both.output()).contains("mutually exclusive");
    }

    /** Runs up to its end on the tiny app's config with one setting changed. */
    private WebstackProcess upWith(String setting, String changed) throws Exception {
        Path file = config(tinyApp(), "");
        Files.writeString(file, Files.readString(file).replace(setting, changed));
        return WebstackProcess.run(dir, "up", "-c", file.toString());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private List<Path> runDirPidFiles() throws IOException {
        Path run = dir.resolve("webstack-data/run");
        if (!Files.isDirectory(run)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(run)) {
            return files.filter(f -> f.getFileName().toString().matches("app-.*\\.pid")).toList();
        }
    }
}
