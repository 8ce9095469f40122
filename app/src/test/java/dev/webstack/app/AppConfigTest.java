package dev.webstack.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config's defaults, its checks, and the mark that tells this app's processes from others. */
class AppConfigTest {
    @Test
    void defaults() {
        AppConfig c = AppConfig.defaults(List.of("java", "-jar", "/srv/site.jar"));
        assertThat(c.instances()).isEqualTo(2);
        assertThat(c.healthPath()).isEqualTo("/healthz");
        assertThat(c.stopGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.crashLoopFailures()).isEqualTo(5);
    }

    @Test
    void theMarkIsTheFirstArgumentThatIsNotAnOption() {
        assertThat(AppConfig.defaults(List.of("java", "-Xmx1g", "-jar", "/srv/site.jar")).mark())
                .isEqualTo("/srv/site.jar");
        assertThat(AppConfig.defaults(List.of("/srv/bin/site", "--verbose")).mark()).isEqualTo("/srv/bin/site");
    }

    @Test
    void badValuesAreRefusedWithTheKeyAndWhatWasExpected() {
        AppConfig d = AppConfig.defaults(List.of("site"));
        assertThatThrownBy(() -> new AppConfig(List.of(), 1, Map.of(), "/", d.startTimeout(), d.stopGrace(),
                d.logMaxBytes(), 1, d.restartBackoffMin(), d.restartBackoffMax(), 1, d.crashLoopWindow()))
                .hasMessage("command: [] (expected: a program and its arguments)");
        assertThatThrownBy(() -> new AppConfig(d.command(), 0, Map.of(), "/", d.startTimeout(), d.stopGrace(),
                d.logMaxBytes(), 1, d.restartBackoffMin(), d.restartBackoffMax(), 1, d.crashLoopWindow()))
                .hasMessage("instances: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new AppConfig(d.command(), 1, Map.of(), "healthz", d.startTimeout(), d.stopGrace(),
                d.logMaxBytes(), 1, d.restartBackoffMin(), d.restartBackoffMax(), 1, d.crashLoopWindow()))
                .hasMessage("health-path: healthz (expected: a path starting with /)");
        assertThatThrownBy(() -> new AppConfig(d.command(), 1, Map.of(), "/", d.startTimeout(), d.stopGrace(),
                d.logMaxBytes(), 1, Duration.ofSeconds(5), Duration.ofSeconds(1), 1, d.crashLoopWindow()))
                .hasMessage("restart-backoff-max: PT1S (expected: >= restart-backoff-min, PT5S)");
    }
}
