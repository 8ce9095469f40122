package dev.webstack.app;

import static dev.webstack.app.TestApps.get;
import static dev.webstack.app.TestApps.isAlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy whose new instance exits or never gets healthy is given up at once (no restarts), the slots it already
 * replaced get an instance of the old config again, and the old version serves throughout.
 */
class ReplaceRollbackTest {
    @TempDir
    Path dataDir;

    @Test
    void aDeployWhoseCommandExitsAtOnceFailsAndTheOldInstancesKeepServing() throws Exception {
        RecordingListener listener = new RecordingListener();
        AppConfig current = TestApps.config(2, Map.of("VERSION", "1"));
        AppConfig exiting = TestApps.config(2, Map.of("VERSION", "2", "TESTAPP_MODE", "exit"));
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        try (AppServer server = TestApps.server(current, dataDir, Map.of(), listener)) {
            server.start();
            List<InstanceStatus> before = server.status();

            assertThatThrownBy(() -> server.replace(exiting, progress::add))
                    .isInstanceOf(ReplaceFailedException.class)
                    .hasMessageStartingWith("replacing the app instances failed at app-1: its new instance exited"
                            + " with code 3 before it was healthy (app-1: crashed, last exit code 3, last health"
                            + " check: ")
                    .hasMessageContaining("last output: \"exiting with code 3\")")
                    .hasMessageEndingWith("; no slot was replaced: the old instances kept serving");

            assertThat(server.config()).isSameAs(current);
            List<InstanceStatus> now = server.status();
            assertThat(now).extracting(InstanceStatus::pid).containsExactlyElementsOf(before.stream()
                    .map(InstanceStatus::pid).toList());
            for (InstanceStatus s : now) {
                assertThat(s.state()).isEqualTo(InstanceState.HEALTHY);
                assertThat(s.replacing()).isFalse();
                assertThat(get(s.port(), "/env/VERSION").body()).isEqualTo("1");
            }
            // one try, not restarted, gone; app-2 was never tried
            List<Long> started = TestApps.startedPids(dataDir.resolve("logs/app-1.log"));
            assertThat(started).hasSize(2).startsWith(before.get(0).pid());
            assertThat(isAlive(started.get(1))).isFalse();
            assertThat(TestApps.startedPids(dataDir.resolve("logs/app-2.log"))).containsExactly(before.get(1).pid());
            assertThat(dataDir.resolve("logs/app-1.log")).content()
                    .contains("[webstack] not restarted: it was started by a restart or deploy, which gives it up");
            assertThat(dataDir.resolve("run/app-1.2.pid")).doesNotExist();
            assertThat(listener.callsFor(1)).containsExactly("healthy");
            assertThat(progress).hasSize(1).first().asString().startsWith("app-1: its new instance exited");
        }
    }

    @Test
    void aDeployNeverHealthyAtTheSecondSlotIsRolledBackInTheFirst() throws Exception {
        RecordingListener listener = new RecordingListener();
        AppConfig current = TestApps.config(2, Map.of("VERSION", "1"));
        AppConfig base = TestApps.config(2, Map.of("VERSION", "2", "TESTAPP_MODE_2", "never-healthy"));
        AppConfig sick = new AppConfig(base.command(), 2, base.env(), base.healthPath(), Duration.ofSeconds(4),
                base.stopGrace(), base.logMaxBytes(), base.logFilesKept(), base.restartBackoffMin(),
                base.restartBackoffMax(), base.crashLoopFailures(), base.crashLoopWindow());
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        try (AppServer server = TestApps.server(current, dataDir, Map.of(), listener)) {
            server.start();
            List<InstanceStatus> before = server.status();
            int changesBefore = listener.poolChanges().size();

            assertThatThrownBy(() -> server.replace(sick, progress::add))
                    .isInstanceOf(ReplaceFailedException.class)
                    .hasMessageStartingWith("replacing the app instances failed at app-2: its new instance was not"
                            + " healthy within 4 s (GET http://127.0.0.1:")
                    .hasMessageContaining("/healthz: HTTP 500), and was stopped (app-2: crashed, last exit code 143,"
                            + " last health check: HTTP 500")
                    .hasMessageEndingWith("; rolled back: app-1 runs the previous config again, and the old version"
                            + " kept serving throughout");

            assertThat(server.config()).isSameAs(current);
            List<InstanceStatus> now = server.status();
            assertThat(now).extracting(InstanceStatus::index).containsExactly(1, 2);
            for (InstanceStatus s : now) {
                assertThat(s.state()).isEqualTo(InstanceState.HEALTHY);
                assertThat(get(s.port(), "/env/VERSION").body()).isEqualTo("1");
                assertThat(get(s.port(), "/").body()).isEqualTo("instance " + s.index());
            }
            assertThat(now.get(1).pid()).isEqualTo(before.get(1).pid());
            // app-1: the first, then the deploy's, then the rollback's (of the old config, generation 3)
            List<Long> started = TestApps.startedPids(dataDir.resolve("logs/app-1.log"));
            assertThat(started).hasSize(3).endsWith(now.get(0).pid());
            assertThat(started.subList(0, 2)).noneMatch(TestApps::isAlive);
            assertThat(dataDir.resolve("run/app-1.3.pid")).hasContent(TestApps.pidFileText(current, now.get(0).pid()));
            List<Long> tried = TestApps.startedPids(dataDir.resolve("logs/app-2.log"));
            assertThat(tried).hasSize(2).startsWith(before.get(1).pid());
            assertThat(isAlive(tried.get(1))).isFalse();

            assertThat(progress).hasSize(6);
            assertThat(progress.get(0)).startsWith("app-1: new instance pid " + started.get(1));
            assertThat(progress.get(1)).isEqualTo("app-1: old instance pid " + before.get(0).pid()
                    + " drained and stopped (exit code 143)");
            assertThat(progress.get(2)).startsWith("app-2: its new instance was not healthy within 4 s");
            assertThat(progress.get(3)).isEqualTo("app-1: previous-config instance pid " + now.get(0).pid()
                    + " on port " + now.get(0).port() + " is healthy, in the pool");
            assertThat(progress.get(4)).isEqualTo("app-1: new instance pid " + started.get(1)
                    + " drained and stopped (exit code 143)");
            assertThat(progress.get(5)).isEqualTo("rolled back: app-1 runs the previous config again");
            assertThat(listener.poolChanges().subList(changesBefore, listener.poolChanges().size()))
                    .allSatisfy(c -> assertThat(c.poolAfter()).anyMatch(i -> i.index() == 1)
                            .anyMatch(i -> i.index() == 2));
        }
    }
}
