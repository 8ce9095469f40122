package dev.webstack.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An instance whose port was taken before it could bind it is started again on another port, not as a crash. */
class BindRetryTest {
    @TempDir
    Path dataDir;

    @Test
    void aPortTakenBeforeTheInstanceBindsItIsRetriedOnAnother() throws Exception {
        RecordingListener listener = new RecordingListener();
        Map<String, String> env = Map.of("TESTAPP_MODE", "bind-fail-once",
                "TESTAPP_MARKER", dataDir.resolve("marker").toString());
        try (AppServer server = TestApps.server(TestApps.config(1, env), dataDir, Map.of(), listener)) {
            server.start();
            InstanceStatus s = server.status().get(0);
            assertThat(s.state()).isEqualTo(InstanceState.HEALTHY);
            assertThat(s.restarts()).isZero();
            assertThat(TestApps.startedPids(dataDir.resolve("logs/app-1.log"))).hasSize(2).endsWith(s.pid());
            assertThat(dataDir.resolve("logs/app-1.log")).content()
                    .contains("was taken before it could bind it: starting again on another");
            assertThat(listener.events()).noneMatch(e -> e.contains("restarting"));
        }
    }
}
