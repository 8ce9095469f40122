package dev.webstack.app;

import static dev.webstack.app.TestApps.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An instance killed with SIGKILL leaves the pool, is restarted after the backoff, and comes back. */
class CrashRestartTest {
    @TempDir
    Path dataDir;

    @Test
    void aKilledInstanceIsRestartedAndRejoinsThePool() throws Exception {
        RecordingListener listener = new RecordingListener();
        AppConfig config = TestApps.config(2, Map.of());
        try (AppServer server = TestApps.server(config, dataDir, Map.of(), listener)) {
            server.start();
            InstanceStatus before = server.status().get(0);
            ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly();

            TestApps.await(Duration.ofSeconds(20), "app-1 restarted and healthy", () -> {
                InstanceStatus s = server.status().get(0);
                return s.restarts() == 1 && s.state() == InstanceState.HEALTHY;
            });
            InstanceStatus after = server.status().get(0);
            assertThat(after.pid()).isNotEqualTo(before.pid());
            assertThat(after.lastExitCode()).hasValue(137);
            assertThat(get(after.port(), "/").body()).isEqualTo("instance 1");
            assertThat(listener.callsFor(1)).containsExactly("healthy", "leaving", "healthy");
            assertThat(listener.leavingInstances()).containsExactly(new Instance(1, before.pid(), before.port()));
            assertThat(listener.callsFor(2)).containsExactly("healthy");
            assertThat(listener.events()).contains("app-1 exited with code 137; restarting in 0.05 s");
            assertThat(dataDir.resolve("logs/app-1.log")).content()
                    .contains("[webstack] exited with code 137\n")
                    .contains("[webstack] restarting in 0.05 s\n")
                    .contains("[webstack] started pid " + after.pid() + " on port " + after.port());
            assertThat(dataDir.resolve("run/app-1.pid"))
                    .hasContent(TestApps.pidFileText(config, after.pid()));
            assertThat(server.status().get(1).restarts()).isZero();
        }
    }
}
