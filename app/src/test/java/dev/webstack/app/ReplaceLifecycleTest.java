package dev.webstack.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One replace at a time, only while the server runs; close() during one stops every instance, old and new. */
class ReplaceLifecycleTest {
    @TempDir
    Path dataDir;

    @Test
    void aReplaceBeforeStartOrAfterCloseIsRefused() throws Exception {
        AppConfig config = TestApps.config(1, Map.of());
        AppServer server = TestApps.server(config, dataDir, Map.of(), new RecordingListener());
        assertThatThrownBy(() -> server.replace(config, line -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the app server was not started: a restart or deploy needs running instances");
        server.close();
        assertThatThrownBy(() -> server.replace(config, line -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the app server is closed: there is nothing to restart or deploy");
        assertThat(server.config()).isSameAs(config);
    }

    @Test
    void aSecondReplaceIsRefusedAndCloseDuringAReplaceLeavesNoProcess() throws Exception {
        AppConfig config = TestApps.config(2, Map.of());
        AppConfig slow = TestApps.config(2, Map.of("TESTAPP_MODE", "never-healthy")); // 20 s to get healthy
        AppServer server = TestApps.server(config, dataDir, Map.of(), new RecordingListener());
        CompletableFuture<Void> replace = new CompletableFuture<>();
        try {
            server.start();
            Thread replacer = new Thread(() -> {
                try {
                    server.replace(slow, line -> { });
                    replace.complete(null);
                } catch (Exception e) {
                    replace.completeExceptionally(e);
                }
            });
            replacer.start();
            TestApps.await(Duration.ofSeconds(20), "app-1 being replaced, its new instance started", () ->
                    server.status().get(0).replacing() && startedPids(1).size() == 2);

            assertThatThrownBy(() -> server.replace(config, line -> { }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("a restart or deploy is already running");
            assertThat(server.status()).extracting(InstanceStatus::index).containsExactly(1, 2);
            assertThat(server.status().get(0).state()).isEqualTo(InstanceState.HEALTHY);
        } finally {
            server.close();
        }

        assertThatThrownBy(() -> replace.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ReplaceFailedException.class)
                .hasMessage("the app server was closed during the restart or deploy: it stops every instance, old"
                        + " and new; nothing was rolled back");
        List<Long> all = new ArrayList<>(startedPids(1));
        all.addAll(startedPids(2));
        assertThat(all).hasSize(3).noneMatch(TestApps::isAlive);
        assertThat(Files.list(dataDir.resolve("run"))).isEmpty();
        assertThat(server.config()).isSameAs(config);
    }

    private List<Long> startedPids(int index) {
        try {
            return TestApps.startedPids(dataDir.resolve("logs/app-" + index + ".log"));
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
