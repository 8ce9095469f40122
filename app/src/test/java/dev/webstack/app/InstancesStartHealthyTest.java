package dev.webstack.app;

import static dev.webstack.app.TestApps.get;
import static dev.webstack.app.TestApps.isAlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N instances start, each on its own port with the environment it was given, and stop after being drained. */
class InstancesStartHealthyTest {
    @TempDir
    Path dataDir;

    @Test
    void instancesStartHealthyOnTheirOwnPortsWithTheirEnvironmentAndStopAfterLeaving() throws Exception {
        RecordingListener listener = new RecordingListener();
        AppConfig config = TestApps.config(3, Map.of("GREETING", "hello"));
        AppServer server = TestApps.server(config, dataDir,
                Map.of("DB_URL", "jdbc:mariadb://127.0.0.1:3306/foobar"), listener);
        List<InstanceStatus> running;
        try {
            server.start();
            running = server.status();
            assertThat(running).extracting(InstanceStatus::index).containsExactly(1, 2, 3);
            assertThat(running).allSatisfy(s -> {
                assertThat(s.state()).isEqualTo(InstanceState.HEALTHY);
                assertThat(s.restarts()).isZero();
                assertThat(s.lastExitCode()).isEmpty();
                assertThat(isAlive(s.pid())).isTrue();
            });
            assertThat(running).extracting(InstanceStatus::port).doesNotHaveDuplicates().allMatch(p -> p > 0);
            assertThat(listener.healthyInstances()).containsExactlyInAnyOrderElementsOf(running.stream()
                    .map(s -> new Instance(s.index(), s.pid(), s.port())).toList());

            for (InstanceStatus s : running) {
                assertThat(get(s.port(), "/").body()).isEqualTo("instance " + s.index());
                assertThat(get(s.port(), "/env/GREETING").body()).isEqualTo("hello");
                assertThat(get(s.port(), "/env/DB_URL").body()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/foobar");
                assertThat(get(s.port(), "/env/BIND").body()).isEqualTo("127.0.0.1");
                assertThat(dataDir.resolve("run/app-" + s.index() + ".pid"))
                        .hasContent(TestApps.pidFileText(config, s.pid()));
                assertThat(dataDir.resolve("logs/app-" + s.index() + ".log")).content()
                        .contains("[webstack] started pid " + s.pid() + " on port " + s.port())
                        .contains("testapp instance " + s.index());
            }
        } finally {
            server.close();
        }

        // close(): each instance in the pool was told to leave while it still ran, then stopped
        assertThat(listener.leavingInstances()).containsExactlyInAnyOrderElementsOf(listener.healthyInstances());
        assertThat(listener.aliveWhenLeaving()).containsOnly(true);
        for (InstanceStatus s : running) {
            assertThat(listener.callsFor(s.index())).containsExactly("healthy", "leaving");
            assertThat(isAlive(s.pid())).isFalse();
            assertThat(dataDir.resolve("run/app-" + s.index() + ".pid")).doesNotExist();
            assertThat(dataDir.resolve("logs/app-" + s.index() + ".log")).content()
                    .contains("[webstack] stopped; exited with code 143");
        }
        assertThat(server.status()).allSatisfy(s -> {
            assertThat(s.state()).isEqualTo(InstanceState.STOPPED);
            assertThat(s.pid()).isZero();
        });
        assertThat(Files.list(dataDir.resolve("run"))).isEmpty();
        server.close(); // idempotent
    }
}
