package dev.webstack.app;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * When to restart a crashed instance, and when to stop trying. The wait starts at the minimum and doubles at each
 * crash up to the maximum; it is back to the minimum once the instance has stayed healthy for a while
 * ({@link #reset}). {@code failures} exits within {@code window} make a crash loop: the instance is given up, so a
 * broken build does not restart forever while its healthy siblings serve.
 */
final class RestartBackoff {
    private final Duration min;
    private final Duration max;
    private final int failures;
    private final Duration window;
    private final Deque<Long> exits = new ArrayDeque<>();
    private Duration next;

    RestartBackoff(Duration min, Duration max, int failures, Duration window) {
        this.min = min;
        this.max = max;
        this.failures = failures;
        this.window = window;
        this.next = min;
    }

    /** Records an exit at {@code nanoTime}; true when it makes a crash loop. */
    synchronized boolean exited(long nanoTime) {
        exits.addLast(nanoTime);
        while (nanoTime - exits.peekFirst() > window.toNanos()) {
            exits.removeFirst();
        }
        return exits.size() >= failures;
    }

    /** The wait before this restart; the next one will be twice as long, up to the maximum. */
    synchronized Duration nextDelay() {
        Duration delay = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return delay;
    }

    /** The instance has recovered: the next crash waits the minimum again. */
    synchronized void reset() {
        next = min;
    }

    int failures() {
        return failures;
    }

    Duration window() {
        return window;
    }
}
