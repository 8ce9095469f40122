package dev.webstack.edge.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A named pool of servers that sites proxy requests to.
 *
 * @param name what sites call it by
 * @param servers its servers at start (more can join and leave while it runs)
 * @param balance how a server is picked for a request (default round-robin)
 * @param hashCookie for {@link Balance#COOKIE_HASH}: the cookie whose value picks the server
 * @param keepalive idle connections kept open per server and event loop, for reuse (default 32)
 * @param connectTimeout how long a connection to a server may take (default 2s); beyond it the next server
 *     is tried, or 504
 * @param responseTimeout how long the response head may take once the request is sent (default 60s); beyond it
 *     504
 * @param idleTimeout how long a response body may pause (default 60s); beyond it the response is cut off
 * @param maxTries servers tried for one request, the first included (default 3)
 * @param tryTimeout how long the tries together may take (default 10s)
 * @param health active and passive health checks
 */
public record UpstreamConfig(
        String name,
        List<UpstreamServerConfig> servers,
        Balance balance,
        Optional<String> hashCookie,
        int keepalive,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration idleTimeout,
        int maxTries,
        Duration tryTimeout,
        HealthCheckConfig health) {

    /** The strategies a pool picks servers by. */
    public enum Balance {
        /** Smooth weighted round-robin, as nginx's: in proportion to weight, evenly interleaved. */
        ROUND_ROBIN,
        /** The server with the fewest requests in flight for its weight. */
        LEAST_CONNECTIONS,
        /** The same client address always goes to the same server while it is up (rendezvous hashing). */
        CLIENT_HASH,
        /** The same cookie value always goes to the same server while it is up; no cookie: round-robin. */
        COOKIE_HASH
    }

    public static final int DEFAULT_KEEPALIVE = 32;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_TRIES = 3;
    public static final Duration DEFAULT_TRY_TIMEOUT = Duration.ofSeconds(10);

    public UpstreamConfig {
        servers = List.copyOf(servers);
        if (balance == Balance.COOKIE_HASH && hashCookie.isEmpty()) {
            throw new IllegalArgumentException("cookie-hash balancing needs the cookie's name");
        }
    }

    /** A round-robin pool with every other setting at its default. */
    public static UpstreamConfig of(String name, List<UpstreamServerConfig> servers) {
        return new UpstreamConfig(name, servers, Balance.ROUND_ROBIN, Optional.empty(), DEFAULT_KEEPALIVE,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_TRIES,
                DEFAULT_TRY_TIMEOUT, HealthCheckConfig.DEFAULT);
    }

    public UpstreamConfig withBalance(Balance balance, Optional<String> cookie) {
        return new UpstreamConfig(name, servers, balance, cookie, keepalive, connectTimeout, responseTimeout,
                idleTimeout, maxTries, tryTimeout, health);
    }

    public UpstreamConfig withTimeouts(Duration connect, Duration response, Duration idle) {
        return new UpstreamConfig(name, servers, balance, hashCookie, keepalive, connect, response, idle, maxTries,
                tryTimeout, health);
    }

    public UpstreamConfig withTries(int tries, Duration timeout) {
        return new UpstreamConfig(name, servers, balance, hashCookie, keepalive, connectTimeout, responseTimeout,
                idleTimeout, tries, timeout, health);
    }

    public UpstreamConfig withHealth(HealthCheckConfig checks) {
        return new UpstreamConfig(name, servers, balance, hashCookie, keepalive, connectTimeout, responseTimeout,
                idleTimeout, maxTries, tryTimeout, checks);
    }

    public UpstreamConfig withKeepalive(int idleConnections) {
        return new UpstreamConfig(name, servers, balance, hashCookie, idleConnections, connectTimeout,
                responseTimeout, idleTimeout, maxTries, tryTimeout, health);
    }

    public UpstreamConfig withServers(List<UpstreamServerConfig> next) {
        return new UpstreamConfig(name, next, balance, hashCookie, keepalive, connectTimeout, responseTimeout,
                idleTimeout, maxTries, tryTimeout, health);
    }
}
