package dev.webstack.app;

import static dev.webstack.app.TestApps.isAlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An instance that ignores SIGTERM is killed once the stop grace has passed; no supervisor thread is left. */
class StopTest {
    @TempDir
    Path dataDir;

    @Test
    void anInstanceIgnoringSigtermIsKilledAfterTheStopGrace() throws Exception {
        AppConfig base = TestApps.config(1, Map.of("TESTAPP_MODE", "ignore-term"));
        AppConfig config = new AppConfig(base.command(), 1, base.env(), base.healthPath(), base.startTimeout(),
                Duration.ofSeconds(1), base.logMaxBytes(), base.logFilesKept(), base.restartBackoffMin(),
                base.restartBackoffMax(), base.crashLoopFailures(), base.crashLoopWindow());
        RecordingListener listener = new RecordingListener();
        AppServer server = TestApps.server(config, dataDir, Map.of(), listener);
        server.start();
        long pid = server.status().get(0).pid();

        server.close();

        assertThat(isAlive(pid)).isFalse();
        assertThat(listener.callsFor(1)).containsExactly("healthy", "leaving");
        assertThat(server.status().get(0).lastExitCode()).hasValue(137);
        assertThat(dataDir.resolve("logs/app-1.log")).content()
                .contains("listening on 127.0.0.1:")
                .contains("SIGTERM ignored")
                .contains("[webstack] still running 1 s after SIGTERM: killed; exited with code 137");
        assertThat(dataDir.resolve("run/app-1.pid")).doesNotExist();
        List<String> ours = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("app-")).toList();
        assertThat(ours).isEmpty();
    }
}
