package dev.webstack.app;

import static dev.webstack.app.TestApps.get;
import static dev.webstack.app.TestApps.isAlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.app.TestApps.PoolChange;
import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart or deploy replaces each slot's instance in turn: the new one is in the pool before the old one leaves,
 * status() shows one entry per slot throughout, and a crash-looping slot or another instance count is no obstacle.
 */
class RollingReplaceTest {
    @TempDir
    Path dataDir;

    @Test
    void aRestartReplacesEverySlotAndThePoolIsNeverWithoutAnInstanceOfASlot() throws Exception {
        RecordingListener listener = new RecordingListener();
        AppConfig config = TestApps.config(2, Map.of());
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        List<List<InstanceStatus>> seen = Collections.synchronizedList(new ArrayList<>());
        AppServer server = TestApps.server(config, dataDir, Map.of(), listener);
        List<InstanceStatus> before;
        List<InstanceStatus> after;
        try {
            server.start();
            before = server.status();
            int changesBefore = listener.poolChanges().size();
            AtomicBoolean replacing = new AtomicBoolean(true);
            Thread watcher = new Thread(() -> {
                while (replacing.get()) {
                    seen.add(server.status());
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            try {
                server.replace(config, progress::add);
            } finally {
                replacing.set(false);
                watcher.join(10_000);
            }
            after = server.status();
            assertThat(server.config()).isSameAs(config);
            for (int i = 0; i < 2; i++) {
                InstanceStatus old = before.get(i);
                InstanceStatus now = after.get(i);
                assertThat(now.index()).isEqualTo(i + 1);
                assertThat(now.state()).isEqualTo(InstanceState.HEALTHY);
                assertThat(now.replacing()).isFalse();
                assertThat(now.pid()).isNotEqualTo(old.pid());
                assertThat(isAlive(old.pid())).isFalse();
                assertThat(get(now.port(), "/").body()).isEqualTo("instance " + now.index());
                assertThat(get(now.port(), "/env/APP_INSTANCE").body()).isEqualTo(Integer.toString(now.index()));
                // generation 2: its own pid file; the first generation's is gone with its process
                assertThat(dataDir.resolve("run/app-" + now.index() + ".2.pid"))
                        .hasContent(TestApps.pidFileText(config, now.pid()));
                assertThat(dataDir.resolve("run/app-" + now.index() + ".pid")).doesNotExist();
                String newLine = "app-" + now.index() + ": new instance pid " + now.pid() + " on port " + now.port()
                        + " is healthy, in the pool";
                String oldLine = "app-" + now.index() + ": old instance pid " + old.pid()
                        + " drained and stopped (exit code 143)";
                assertThat(progress).containsSubsequence(newLine, oldLine);
                // both processes of the slot wrote to its one log
                assertThat(TestApps.startedPids(dataDir.resolve("logs/app-" + now.index() + ".log")))
                        .containsExactly(old.pid(), now.pid());
                assertThat(dataDir.resolve("logs/app-" + now.index() + ".log")).content()
                        .contains("[webstack] " + newLine).contains("[webstack] " + oldLine);
            }
            assertThat(progress).hasSize(4);

            // The pool during the replace: at each leaving, an instance of the same slot is still in it, the new
            // one, told healthy before.
            List<PoolChange> changes = listener.poolChanges().subList(changesBefore, listener.poolChanges().size());
            assertThat(changes).extracting(c -> c.call() + " " + c.instance().index())
                    .containsExactly("healthy 1", "leaving 1", "healthy 2", "leaving 2");
            assertThat(changes).allSatisfy(c -> {
                assertThat(c.poolAfter()).isNotEmpty();
                assertThat(c.poolAfter()).anyMatch(i -> i.index() == c.instance().index());
            });
            assertThat(changes).filteredOn(c -> c.call().equals("leaving")).extracting(c -> c.instance().pid())
                    .containsExactly(before.get(0).pid(), before.get(1).pid());

            // status(): always one entry per slot, in order; a slot being replaced is marked so
            assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat(s).extracting(InstanceStatus::index)
                    .containsExactly(1, 2));
            assertThat(seen).anySatisfy(s -> assertThat(s.get(0).replacing()).isTrue());
        } finally {
            server.close();
        }
        for (InstanceStatus s : after) {
            assertThat(isAlive(s.pid())).isFalse();
        }
        assertThat(Files.list(dataDir.resolve("run"))).isEmpty();
    }

    @Test
    void aDeployReplacesAnInstanceInACrashLoop() throws Exception {
        RecordingListener listener = new RecordingListener();
        AppConfig broken = TestApps.config(2, Map.of("TESTAPP_MODE_2", "exit", "VERSION", "1"));
        AppConfig fixed = TestApps.config(2, Map.of("VERSION", "2"));
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        try (AppServer server = TestApps.server(broken, dataDir, Map.of(), listener)) {
            server.start(); // returns once app-2 is given up
            assertThat(server.status().get(1).crashLoop()).isTrue();

            server.replace(fixed, progress::add);

            assertThat(server.config()).isSameAs(fixed);
            assertThat(server.status()).allSatisfy(s -> {
                assertThat(s.state()).isEqualTo(InstanceState.HEALTHY);
                assertThat(s.crashLoop()).isFalse();
                assertThat(s.restarts()).isZero();
                assertThat(get(s.port(), "/env/VERSION").body()).isEqualTo("2");
            });
            assertThat(progress).contains(
                    "app-2: old instance was not running (crashed, in a crash loop): its supervisor is stopped");
            assertThat(listener.callsFor(2)).containsExactly("healthy");
        }
    }

    @Test
    void aDeployMayAddSlotsAndTakeThemAway() throws Exception {
        RecordingListener listener = new RecordingListener();
        AppConfig one = TestApps.config(1, Map.of());
        AppConfig two = TestApps.config(2, Map.of());
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        try (AppServer server = TestApps.server(one, dataDir, Map.of(), listener)) {
            server.start();

            server.replace(two, progress::add);

            List<InstanceStatus> grown = server.status();
            assertThat(grown).extracting(InstanceStatus::index).containsExactly(1, 2);
            assertThat(grown).extracting(InstanceStatus::state).containsOnly(InstanceState.HEALTHY);
            assertThat(get(grown.get(1).port(), "/").body()).isEqualTo("instance 2");
            assertThat(dataDir.resolve("run/app-2.2.pid")).hasContent(TestApps.pidFileText(two, grown.get(1).pid()));

            server.replace(one, progress::add);

            List<InstanceStatus> shrunk = server.status();
            assertThat(shrunk).extracting(InstanceStatus::index).containsExactly(1);
            assertThat(shrunk.get(0).state()).isEqualTo(InstanceState.HEALTHY);
            assertThat(isAlive(grown.get(1).pid())).isFalse();
            assertThat(listener.callsFor(2)).containsExactly("healthy", "leaving");
            assertThat(progress).contains("app-2: instance (not in the new config) pid " + grown.get(1).pid()
                    + " drained and stopped (exit code 143)");
            assertThat(server.config()).isSameAs(one);
            assertThat(Files.list(dataDir.resolve("run"))).extracting(p -> p.getFileName().toString())
                    .containsExactly("app-1.3.pid");
        }
    }
}
