package dev.webstack.stack;

/**
 * One tier of the stack as the runner sees it: started in order, closed in reverse. {@link #start}
 * returns once the tier is ready to serve; {@link #close} drains and must work after a failed or
 * partial start.
 */
interface Tier extends AutoCloseable {
    String name();

    void start() throws Exception;

    /** What the ready line says after the tier's name: where it listens, what it serves. */
    String ready();

    @Override
    void close();
}
