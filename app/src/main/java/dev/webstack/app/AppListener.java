package dev.webstack.app;

import java.util.concurrent.CompletableFuture;

/**
 * How the stack hears of app instances: the edge's upstream pool adds an instance on {@link #healthy} and takes it
 * out on {@link #leaving}. Each {@code healthy} is followed by exactly one {@code leaving} for the same
 * {@link Instance} value before that instance is stopped, after it crashed, or when it turns unhealthy. During a
 * restart or deploy ({@link AppServer#replace}) the new instance of slot N is healthy before the old one of slot N
 * leaves, so for a moment two instances with the same index are in the pool: key the pool on the whole value.
 *
 * <p>The listener hears of a change before {@link AppServer#status} shows it: when {@link AppServer#start} returns,
 * {@code healthy} has been called for every healthy instance. Called from the supervisor's threads, several at
 * once; a call should not block (a drain is waited for through
 * the returned future, against the stop grace). An exception thrown here is reported through {@link #event} and
 * otherwise ignored.
 */
public interface AppListener {
    /** The instance answers its health URL: add it to the pool. */
    void healthy(Instance instance);

    /**
     * The instance leaves the pool: take no new requests to it. When it is about to be stopped, the supervisor
     * waits (up to the stop grace) for the future to complete before it sends SIGTERM; after a crash or when it
     * turns unhealthy, it does not wait.
     */
    CompletableFuture<Void> leaving(Instance instance);

    /** Something a person should hear of: restarts, crash loops, leftovers of a crashed run stopped. */
    default void event(String message) {
    }
}
