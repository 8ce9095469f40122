package dev.webstack.edge.upstream;

/** Where an upstream server is in its life, as the pool sees it. */
public enum ServerState {
    /** Takes requests (unless ejected for a while after failures, or full). */
    HEALTHY,
    /** Failed its active health checks; takes no requests until it passes them again. */
    UNHEALTHY,
    /** Takes no new requests; those in flight finish. */
    DRAINING,
    /** Out of the pool. */
    REMOVED
}
