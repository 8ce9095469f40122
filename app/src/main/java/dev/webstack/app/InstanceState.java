package dev.webstack.app;

/**
 * Where one app instance is in its life. Only a {@link #HEALTHY} instance is in the edge's pool.
 *
 * <pre>
 *   STOPPED ──spawn──▶ STARTING ──first 200──▶ HEALTHY ◀──a 200──▶ UNHEALTHY (3 failures in a row)
 *                         │                      │                    │
 *                         └──────────┬───────────┴─────────┬──────────┘
 *                        exits on its own, or          close()
 *                        no 200 within start-timeout     ▼
 *                                    ▼                DRAINING ──SIGTERM (SIGKILL after grace)──▶ STOPPED
 *                                 CRASHED ──backoff──▶ STARTING      (close() while CRASHED ──▶ STOPPED)
 * </pre>
 */
public enum InstanceState {
    /** Spawned; not yet answering its health path with 200. */
    STARTING,
    /** Answers its health path: in the pool. */
    HEALTHY,
    /** Still running, but failed three health checks in a row: out of the pool until it passes one. */
    UNHEALTHY,
    /** Being stopped: drained by the pool, then sent SIGTERM. */
    DRAINING,
    /** Not running, by our doing (or not started yet). */
    STOPPED,
    /** Exited on its own (or never became healthy): waiting to be restarted, or given up after a crash loop. */
    CRASHED;

    /** Whether this state may follow {@code from}; any other move is a bug in the supervisor. */
    boolean follows(InstanceState from) {
        return switch (this) {
            case STARTING -> from == STOPPED || from == CRASHED;
            case HEALTHY -> from == STARTING || from == UNHEALTHY;
            case UNHEALTHY -> from == HEALTHY;
            case DRAINING, CRASHED -> from == STARTING || from == HEALTHY || from == UNHEALTHY;
            case STOPPED -> from == DRAINING || from == CRASHED;
        };
    }

    /** Whether a process of the instance runs in this state. */
    public boolean isRunning() {
        return this == STARTING || this == HEALTHY || this == UNHEALTHY || this == DRAINING;
    }
}
