package dev.webstack.app;

import static dev.webstack.app.TestApps.get;
import static dev.webstack.app.TestApps.isAlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start stops the instances an earlier run left running (found through run/app-N.pid and run/app-N.G.pid, checked
 * against the mark in the file), and nothing else.
 */
class LeftoverTest {
    @TempDir
    Path dataDir;

    @Test
    void instancesLeftRunningByAnEarlierRunAreStopped() throws Exception {
        // the "crashed" run: never closed; its long backoff keeps it from restarting what the second run stops
        AppConfig base = TestApps.config(2, Map.of());
        AppConfig patient = patient(base);
        AppServer earlier = TestApps.server(patient, dataDir, Map.of(), new RecordingListener());
        RecordingListener listener = new RecordingListener();
        AppServer later = TestApps.server(base, dataDir, Map.of(), listener);
        try {
            earlier.start();
            List<Long> leftovers = earlier.status().stream().map(InstanceStatus::pid).toList();

            later.start();

            assertThat(leftovers).noneMatch(TestApps::isAlive);
            assertThat(listener.events()).contains(
                    "stopped app-1 (pid " + leftovers.get(0) + ") left running by an earlier run",
                    "stopped app-2 (pid " + leftovers.get(1) + ") left running by an earlier run");
            for (InstanceStatus s : later.status()) {
                assertThat(s.state()).isEqualTo(InstanceState.HEALTHY);
                assertThat(leftovers).doesNotContain(s.pid());
                assertThat(get(s.port(), "/").body()).isEqualTo("instance " + s.index());
            }
            TestApps.await(Duration.ofSeconds(10), "the earlier run saw its instances exit", () -> earlier.status()
                    .stream().allMatch(s -> s.state() == InstanceState.CRASHED));
            for (InstanceStatus s : later.status()) {
                assertThat(dataDir.resolve("run/app-" + s.index() + ".pid"))
                        .hasContent(TestApps.pidFileText(base, s.pid()));
            }
        } finally {
            later.close();
            earlier.close();
        }
        assertThat(Files.list(dataDir.resolve("run"))).isEmpty();
    }

    @Test
    void instancesADeployOfAnotherJarStartedAreStoppedThoughTheConfigNamesTheFirstJar() throws Exception {
        // the deploy runs the same classes from another path, as a new release's jar would be: another mark
        AppConfig base = patient(TestApps.config(2, Map.of()));
        List<String> command = new ArrayList<>(base.command());
        int classes = command.indexOf("-cp") + 1;
        Path release = Files.createSymbolicLink(dataDir.resolve("release-2"), Path.of(command.get(classes)));
        command.set(classes, release.toString());
        AppConfig deployed = new AppConfig(command, 2, Map.of(), "/healthz", base.startTimeout(), base.stopGrace(),
                base.logMaxBytes(), base.logFilesKept(), base.restartBackoffMin(), base.restartBackoffMax(),
                base.crashLoopFailures(), base.crashLoopWindow());
        assertThat(deployed.mark()).isNotEqualTo(base.mark());
        AppServer earlier = TestApps.server(base, dataDir, Map.of(), new RecordingListener());
        RecordingListener listener = new RecordingListener();
        AppServer later = TestApps.server(TestApps.config(2, Map.of()), dataDir, Map.of(), listener);
        try {
            earlier.start();
            earlier.replace(deployed, line -> { }); // then the "crash": never closed
            List<Long> leftovers = earlier.status().stream().map(InstanceStatus::pid).toList();
            for (int i = 1; i <= 2; i++) {
                assertThat(dataDir.resolve("run/app-" + i + ".2.pid"))
                        .hasContent(TestApps.pidFileText(deployed, leftovers.get(i - 1)));
            }

            later.start();

            assertThat(leftovers).noneMatch(TestApps::isAlive);
            assertThat(listener.events()).contains(
                    "stopped app-1 (pid " + leftovers.get(0) + ") left running by an earlier run",
                    "stopped app-2 (pid " + leftovers.get(1) + ") left running by an earlier run");
            assertThat(later.status()).allSatisfy(s -> {
                assertThat(s.state()).isEqualTo(InstanceState.HEALTHY);
                assertThat(leftovers).doesNotContain(s.pid());
            });
            assertThat(Files.list(dataDir.resolve("run"))).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder("app-1.pid", "app-2.pid");
        } finally {
            later.close();
            earlier.close();
        }
        assertThat(Files.list(dataDir.resolve("run"))).isEmpty();
    }

    @Test
    void aPidFileNamingAnUnrelatedProcessLeavesThatProcessAlone() throws Exception {
        Process stranger = new ProcessBuilder("sleep", "30").start();
        try {
            Files.createDirectories(dataDir.resolve("run"));
            Files.writeString(dataDir.resolve("run/app-1.pid"), stranger.pid() + "\n");
            RecordingListener listener = new RecordingListener();
            AppConfig config = TestApps.config(1, Map.of());
            try (AppServer server = TestApps.server(config, dataDir, Map.of(), listener)) {
                server.start();
                assertThat(listener.events()).contains("run/app-1.pid names pid " + stranger.pid()
                        + ", which runs something else (sleep 30): left alone");
                assertThat(isAlive(stranger.pid())).isTrue();
                assertThat(dataDir.resolve("run/app-1.pid"))
                        .hasContent(TestApps.pidFileText(config, server.status().get(0).pid()));
            }
            assertThat(isAlive(stranger.pid())).isTrue();
        } finally {
            stranger.destroyForcibly().waitFor();
        }
    }

    /** The config of a "crashed" run: its long backoff keeps it from restarting what the next run stops. */
    private static AppConfig patient(AppConfig base) {
        return new AppConfig(base.command(), base.instances(), base.env(), base.healthPath(), base.startTimeout(),
                base.stopGrace(), base.logMaxBytes(), base.logFilesKept(), Duration.ofMinutes(5), Duration.ofMinutes(5),
                base.crashLoopFailures(), base.crashLoopWindow());
    }
}
