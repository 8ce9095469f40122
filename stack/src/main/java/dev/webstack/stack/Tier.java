package dev.webstack.stack;

import dev.webstack.stack.config.StackConfig;

/**
 * One tier of the stack as the runner sees it: checked before any tier starts, started in order, closed in
 * reverse. {@link #start} returns once the tier is ready to serve; {@link #close} drains and must work after a
 * failed or partial start.
 */
interface Tier extends AutoCloseable {
    String name();

    /** Checks what the config names beyond itself (zone files, for one), before anything starts. */
    default void check() throws Exception {
    }

    void start() throws Exception;

    /** What the ready line says after the tier's name: where it listens, what it serves. */
    String ready();

    /**
     * Applies what it can of a re-read config while serving, and says what it did; throws, keeping the running
     * state, when the new config is bad. Null when this tier has nothing to reload.
     */
    default String reload(StackConfig next) throws Exception {
        return null;
    }

    @Override
    void close();
}
