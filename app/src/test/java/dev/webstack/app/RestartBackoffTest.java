package dev.webstack.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The restart wait doubles up to its maximum and resets; exits bunched in the window make a crash loop. */
class RestartBackoffTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theWaitDoublesUpToTheMaximumAndResets() {
        RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5), 5,
                Duration.ofSeconds(60));
        assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(5));
        backoff.reset();
        assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void onlyExitsWithinTheWindowCountTowardsACrashLoop() {
        RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5), 3,
                Duration.ofSeconds(10));
        assertThat(backoff.exited(0)).isFalse();
        assertThat(backoff.exited(6 * SECOND)).isFalse();
        assertThat(backoff.exited(12 * SECOND)).isFalse(); // the first one has left the window
        assertThat(backoff.exited(14 * SECOND)).isTrue();
    }

    @Test
    void oneFailureAllowedMeansTheFirstExitIsACrashLoop() {
        RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1,
                Duration.ofSeconds(1));
        assertThat(backoff.exited(0)).isTrue();
    }
}
