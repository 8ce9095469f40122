package dev.webstack.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An instance flooding its output fills its rotated log files up to their bound, and no further. */
class LogRotationTest {
    @TempDir
    Path dataDir;

    @Test
    void aFloodOfOutputIsRotatedWithinTheBound() throws Exception {
        AppConfig config = TestApps.config(1, Map.of("TESTAPP_MODE", "flood", "TESTAPP_FLOOD_BYTES", "20000000"));
        Path log = dataDir.resolve("logs/app-1.log");
        try (AppServer server = TestApps.server(config, dataDir, Map.of(), new RecordingListener())) {
            server.start();
            TestApps.await(Duration.ofSeconds(20), "the whole flood in the log",
                    () -> Files.exists(log) && read(log).contains("flood done"));
            assertThat(server.status().get(0).state()).isEqualTo(InstanceState.HEALTHY);
        }

        long total = 0;
        for (int k = 0; k <= config.logFilesKept(); k++) {
            Path file = k == 0 ? log : dataDir.resolve("logs/app-1.log." + k);
            assertThat(file).exists();
            assertThat(Files.size(file)).isLessThanOrEqualTo(config.logMaxBytes());
            total += Files.size(file);
        }
        assertThat(dataDir.resolve("logs/app-1.log." + (config.logFilesKept() + 1))).doesNotExist();
        assertThat(total).isLessThanOrEqualTo((config.logFilesKept() + 1) * config.logMaxBytes());
        // files are cut at line ends: a rotated file ends with one, and the current one starts a line
        assertThat(read(dataDir.resolve("logs/app-1.log.1"))).endsWith("\n");
        assertThat(read(log)).contains("[webstack] stopped; exited with code 143");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
