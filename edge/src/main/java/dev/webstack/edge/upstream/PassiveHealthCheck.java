package dev.webstack.edge.upstream;

import dev.webstack.edge.config.HealthCheckConfig;
import java.util.function.Consumer;

/**
 * Ejects a server that fails requests: after {@code maxFails} failures in a row (refused, reset, timed out, a
 * broken response) it gets no requests for {@code failTimeout}, then one more chance (nginx's max_fails and
 * fail_timeout). A success resets the count.
 */
final class PassiveHealthCheck {
    private final String upstream;
    private final HealthCheckConfig config;
    private final Consumer<String> log;

    PassiveHealthCheck(String upstream, HealthCheckConfig config, Consumer<String> log) {
        this.upstream = upstream;
        this.config = config;
        this.log = log;
    }

    void succeeded(UpstreamServer server) {
        if (server.failuresInARow.get() != 0) {
            server.failuresInARow.set(0);
        }
    }

    void failed(UpstreamServer server, String why) {
        if (config.maxFails() == 0) {
            return;
        }
        int failures = server.failuresInARow.incrementAndGet();
        long now = System.nanoTime();
        if (failures >= config.maxFails() && !server.isEjected(now)) {
            server.failuresInARow.set(0);
            server.eject(now + config.failTimeout().toNanos());
            log.accept("upstream " + upstream + ": server " + server + " ejected for "
                    + config.failTimeout().toMillis() + " ms after " + failures + " failed request(s): " + why);
        }
    }
}
