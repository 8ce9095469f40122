package dev.webstack.app;

import static dev.webstack.app.TestApps.isAlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webstack.app.TestApps.RecordingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When no instance becomes healthy, start fails with what each one did, and leaves no process behind. */
class StartFailureTest {
    @TempDir
    Path dataDir;

    @Test
    void instancesThatNeverAnswerTheirHealthPathFailTheStartAndAreStopped() throws Exception {
        RecordingListener listener = new RecordingListener();
        AppConfig base = TestApps.config(2, Map.of("TESTAPP_MODE", "never-healthy"));
        AppConfig config = new AppConfig(base.command(), 2, base.env(), base.healthPath(), Duration.ofSeconds(3),
                base.stopGrace(), base.logMaxBytes(), base.logFilesKept(), base.restartBackoffMin(),
                base.restartBackoffMax(), base.crashLoopFailures(), base.crashLoopWindow());
        AppServer server = TestApps.server(config, dataDir, Map.of(), listener);

        assertThatThrownBy(server::start).isInstanceOf(IOException.class)
                .hasMessageStartingWith("no app instance answered GET http://127.0.0.1:PORT/healthz with 200 within 3 s:"
                        + " app-1 (pid ")
                .hasMessageContaining("last health check: HTTP 500")
                .hasMessageContaining("app-2 (pid ")
                .hasMessageEndingWith("(their output is in " + dataDir.toAbsolutePath().normalize().resolve("logs") + "/app-N.log)");

        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            pids.addAll(TestApps.startedPids(dataDir.resolve("logs/app-" + i + ".log")));
        }
        assertThat(pids).isNotEmpty().noneMatch(TestApps::isAlive);
        assertThat(Files.list(dataDir.resolve("run"))).isEmpty();
        assertThat(listener.healthyInstances()).isEmpty();
        assertThat(server.status()).extracting(InstanceStatus::state).containsOnly(InstanceState.STOPPED);
        server.close(); // after a failed start: nothing left to do, no error
    }

    @Test
    void aCommandThatCannotRunFailsTheStartOnceEveryInstanceIsInACrashLoop() throws Exception {
        RecordingListener listener = new RecordingListener();
        AppConfig base = TestApps.config(2, Map.of());
        AppConfig config = new AppConfig(List.of(dataDir.resolve("no-such-program").toString()), 2, Map.of(),
                "/healthz", Duration.ofSeconds(20), base.stopGrace(), base.logMaxBytes(), base.logFilesKept(),
                base.restartBackoffMin(), base.restartBackoffMax(), base.crashLoopFailures(), base.crashLoopWindow());
        try (AppServer server = TestApps.server(config, dataDir, Map.of(), listener)) {
            assertThatThrownBy(server::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("app-1: crashed in a crash loop, last exit code")
                    .hasMessageContaining("no-such-program: No such file or directory");
            assertThat(listener.events()).anySatisfy(e -> assertThat(e).startsWith("app-1 is in a CRASH LOOP"))
                    .anySatisfy(e -> assertThat(e).startsWith("app-2 is in a CRASH LOOP"));
        }
        assertThat(TestApps.startedPids(dataDir.resolve("logs/app-1.log"))).noneMatch(TestApps::isAlive);
        assertThat(isAlive(ProcessHandle.current().pid())).isTrue();
    }
}
