package dev.webstack.site;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager, minus one habit: the JDK resets logging from its own shutdown hook, which runs at
 * the same time as the site's, so the lines of requests that finish while the site drains would be lost. This
 * manager ignores that reset; {@link SiteMain}'s hook calls {@link #resetAfterDrain} once the site has stopped.
 */
public final class DrainingLogManager extends LogManager {

    private volatile boolean drained;

    @Override
    public void reset() {
        if (drained || !isShuttingDown()) {
            super.reset();
        }
    }

    /** Flushes and closes the handlers, for real this time. */
    static void resetAfterDrain() {
        if (LogManager.getLogManager() instanceof DrainingLogManager manager) {
            manager.drained = true;
            manager.reset();
        }
    }

    private static boolean isShuttingDown() {
        try {
            Thread probe = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
