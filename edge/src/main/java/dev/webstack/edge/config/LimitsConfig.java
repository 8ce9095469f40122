package dev.webstack.edge.config;

import java.time.Duration;

/**
 * Limits on what one client may send and how long it may take, so that one slow or hostile client
 * cannot hurt the others. Names follow nginx where nginx has the same knob.
 *
 * @param maxRequestLine longest request line in bytes; longer gets 414 (default 8192)
 * @param maxHeaderSize largest request head (all header lines) in bytes; larger gets 431 (default 16384)
 * @param maxBodySize largest request body in bytes; larger gets 413 (default 1 MiB, nginx's
 *     client_max_body_size)
 * @param headerTimeout deadline for receiving a whole request head, from its first byte or from
 *     the connection's start; a slowloris client gets 408 and is closed (default 10 s)
 * @param idleTimeout how long a keep-alive connection may sit between requests (default 60 s)
 * @param sendTimeout how long a response write may make no progress before the connection is
 *     closed (default 60 s)
 * @param maxConnections open client connections over all listeners; more are closed at once
 *     (default 10000)
 * @param keepaliveRequests requests served on one connection before it is closed (default 100000)
 * @param shutdownGrace how long in-flight requests may take to finish on stop (default 10 s)
 */
public record LimitsConfig(
        int maxRequestLine,
        int maxHeaderSize,
        long maxBodySize,
        Duration headerTimeout,
        Duration idleTimeout,
        Duration sendTimeout,
        int maxConnections,
        int keepaliveRequests,
        Duration shutdownGrace) {

    public static final LimitsConfig DEFAULT = new LimitsConfig(
            8192,
            16384,
            1L << 20,
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            10_000,
            100_000,
            Duration.ofSeconds(10));
}
