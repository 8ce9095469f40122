package dev.webstack.app;

import static dev.webstack.app.TestApps.get;
import static dev.webstack.app.TestApps.isAlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start stops the instances an earlier run left running (found through run/app-N.pid), and nothing else. */
class LeftoverTest {
    @TempDir
    Path dataDir;

    @Test
    void instancesLeftRunningByAnEarlierRunAreStopped() throws Exception {
        // the "crashed" run: never closed; its long backoff keeps it from restarting what the second run stops
        AppConfig base = TestApps.config(2, Map.of());
        AppConfig patient = new AppConfig(base.command(), 2, Map.of(), "/healthz", base.startTimeout(),
                base.stopGrace(), base.logMaxBytes(), base.logFilesKept(), Duration.ofMinutes(5), Duration.ofMinutes(5),
                base.crashLoopFailures(), base.crashLoopWindow());
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
                assertThat(dataDir.resolve("run/app-" + s.index() + ".pid")).hasContent(s.pid() + "\n");
            }
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
            try (AppServer server = TestApps.server(TestApps.config(1, Map.of()), dataDir, Map.of(), listener)) {
                server.start();
                assertThat(listener.events()).contains("run/app-1.pid names pid " + stranger.pid()
                        + ", which runs something else (sleep 30): left alone");
                assertThat(isAlive(stranger.pid())).isTrue();
                assertThat(dataDir.resolve("run/app-1.pid")).hasContent(server.status().get(0).pid() + "\n");
            }
            assertThat(isAlive(stranger.pid())).isTrue();
        } finally {
            stranger.destroyForcibly().waitFor();
        }
    }
}
