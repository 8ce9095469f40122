package dev.webstack.edge.proxy;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Test helper: waits for a condition, polled, within a bound; a test asserts the state it waits for, not a time. */
final class Await {
    private Await() {}

    /** Waits, up to 10 s, for {@code condition}; fails naming {@code what} if it never holds. */
    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
