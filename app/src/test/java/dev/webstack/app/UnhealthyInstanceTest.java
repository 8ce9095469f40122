package dev.webstack.app;

import static dev.webstack.app.TestApps.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running instance failing its health checks leaves the pool but keeps running, and rejoins once it passes. */
class UnhealthyInstanceTest {
    @TempDir
    Path dataDir;

    @Test
    void anUnhealthyInstanceLeavesThePoolAndComesBack() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (AppServer server = TestApps.server(TestApps.config(2, Map.of()), dataDir, Map.of(), listener)) {
            server.start();
            InstanceStatus first = server.status().get(0);

            get(first.port(), "/sick");
            TestApps.await(Duration.ofSeconds(10), "app-1 unhealthy",
                    () -> server.status().get(0).state() == InstanceState.UNHEALTHY);
            assertThat(listener.callsFor(1)).containsExactly("healthy", "leaving");
            assertThat(server.status().get(0).pid()).isEqualTo(first.pid());
            assertThat(listener.events()).contains("app-1 unhealthy: 3 health checks failed in a row (last: HTTP 500):"
                    + " out of the pool, still running");

            get(first.port(), "/well");
            TestApps.await(Duration.ofSeconds(10), "app-1 healthy again",
                    () -> server.status().get(0).state() == InstanceState.HEALTHY);
            assertThat(listener.callsFor(1)).containsExactly("healthy", "leaving", "healthy");
            assertThat(listener.healthyInstances()).filteredOn(i -> i.index() == 1)
                    .containsOnly(new Instance(1, first.pid(), first.port()));
            assertThat(server.status().get(0).restarts()).isZero();
            assertThat(listener.callsFor(2)).containsExactly("healthy");
        }
    }
}
