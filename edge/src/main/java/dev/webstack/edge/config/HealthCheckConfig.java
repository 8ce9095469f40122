package dev.webstack.edge.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How an upstream's servers are watched.
 *
 * <p>Active: every {@code interval}, a GET of {@code path} on each server; a 2xx or 3xx within {@code timeout}
 * passes. {@code fall} failures in a row take a server out, {@code rise} passes in a row bring it back (HAProxy's
 * terms). Passive: {@code maxFails} failed requests in a row (connection refused or reset, timeout, a broken
 * response) eject a server for {@code failTimeout} (nginx's terms).
 *
 * @param path the path to GET; empty turns active checks off (default)
 * @param interval time between checks of one server (default 2s)
 * @param timeout how long one check may take (default 1s)
 * @param rise passes in a row that bring a server back (default 2)
 * @param fall failures in a row that take a server out (default 3)
 * @param maxFails failed requests in a row that eject a server; 0 turns passive checks off (default 1)
 * @param failTimeout how long an ejected server gets no requests (default 10s)
 */
public record HealthCheckConfig(
        Optional<String> path, Duration interval, Duration timeout, int rise, int fall, int maxFails,
        Duration failTimeout) {
    public static final HealthCheckConfig DEFAULT = new HealthCheckConfig(
            Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3, 1, Duration.ofSeconds(10));

    public HealthCheckConfig withPath(String path) {
        return new HealthCheckConfig(Optional.of(path), interval, timeout, rise, fall, maxFails, failTimeout);
    }

    public HealthCheckConfig withActive(Duration interval, Duration timeout, int rise, int fall) {
        return new HealthCheckConfig(path, interval, timeout, rise, fall, maxFails, failTimeout);
    }

    public HealthCheckConfig withPassive(int maxFails, Duration failTimeout) {
        return new HealthCheckConfig(path, interval, timeout, rise, fall, maxFails, failTimeout);
    }
}
