package dev.webstack.app;

import static dev.webstack.app.TestApps.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.app.TestApps.RecordingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An instance that exits at once is given up after a crash loop; the healthy one keeps serving. */
class CrashLoopTest {
    @TempDir
    Path dataDir;

    @Test
    void anInstanceThatKeepsExitingIsGivenUpAndTheOtherKeepsServing() throws Exception {
        RecordingListener listener = new RecordingListener();
        AppConfig config = TestApps.config(2, Map.of("TESTAPP_MODE_2", "exit"));
        try (AppServer server = TestApps.server(config, dataDir, Map.of(), listener)) {
            server.start(); // returns with app-1 healthy once app-2 is given up

            InstanceStatus looping = server.status().get(1);
            assertThat(looping.state()).isEqualTo(InstanceState.CRASHED);
            assertThat(looping.crashLoop()).isTrue();
            assertThat(looping.restarts()).isEqualTo(config.crashLoopFailures() - 1);
            assertThat(looping.lastExitCode()).hasValue(3);
            assertThat(looping.pid()).isZero();
            assertThat(listener.events()).anySatisfy(e -> assertThat(e)
                    .startsWith("app-2 is in a CRASH LOOP: 3 exits within 30 s (last exit code 3)"));
            assertThat(listener.events()).anySatisfy(e -> assertThat(e)
                    .startsWith("app: 1 of 2 instances healthy; serving with those (app-2: crashed in a crash loop,"
                            + " last exit code 3, last health check: ")
                    .endsWith(", last output: \"exiting with code 3\")"));
            String log = Files.readString(dataDir.resolve("logs/app-2.log"));
            assertThat(Pattern.compile("\\[webstack\\] exited with code 3\n").matcher(log).results().count())
                    .isEqualTo(3);
            assertThat(listener.callsFor(2)).isEmpty();

            InstanceStatus serving = server.status().get(0);
            assertThat(serving.state()).isEqualTo(InstanceState.HEALTHY);
            assertThat(get(serving.port(), "/").body()).isEqualTo("instance 1");
            assertThat(dataDir.resolve("run/app-2.pid")).doesNotExist();
        }
    }
}
