package dev.webstack.edge.upstream;

import dev.webstack.edge.config.HealthCheckConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * GETs each server's health path every interval: {@code fall} failures in a row make a healthy server
 * UNHEALTHY, {@code rise} passes in a row make it HEALTHY again (HAProxy's rise and fall). A pass is a 2xx or 3xx
 * within the timeout. Draining and removed servers are left alone. Every change of state is logged.
 */
final class ActiveHealthCheck implements AutoCloseable {
    private final Upstream upstream;
    private final HealthCheckConfig config;
    private final ScheduledExecutorService scheduler;
    private final Consumer<String> log;
    private final HttpClient client;
    private ScheduledFuture<?> task;

    ActiveHealthCheck(Upstream upstream, HealthCheckConfig config, ScheduledExecutorService scheduler,
            Consumer<String> log) {
        this.upstream = upstream;
        this.config = config;
        this.scheduler = scheduler;
        this.log = log;
        this.client = HttpClient.newBuilder()
                .connectTimeout(config.timeout())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(scheduler)
                .build();
    }

    void start() {
        long interval = config.interval().toMillis();
        task = scheduler.scheduleWithFixedDelay(this::checkAll, 0, interval, TimeUnit.MILLISECONDS);
    }

    private void checkAll() {
        for (UpstreamServer server : upstream.servers()) {
            try {
                check(server);
            } catch (RuntimeException e) {
                // One server's check failing to start must not end the checks of all (a cancelled schedule).
                record(server, false, String.valueOf(e.getMessage()));
            }
        }
    }

    private void check(UpstreamServer server) {
        ServerState state = server.state();
        if (state == ServerState.DRAINING || state == ServerState.REMOVED) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + server.config().address()
                        + config.path().orElseThrow()))
                .timeout(config.timeout())
                .header("User-Agent", "webstack-health-check")
                .GET()
                .build();
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            boolean pass = error == null && response.statusCode() >= 200 && response.statusCode() < 400;
            String why = error != null ? String.valueOf(error.getMessage()) : "status " + response.statusCode();
            record(server, pass, why);
        });
    }

    private void record(UpstreamServer server, boolean pass, String why) {
        synchronized (server) {
            ServerState state = server.state();
            if (state != ServerState.HEALTHY && state != ServerState.UNHEALTHY) {
                return;
            }
            server.checksInARow = pass ? Math.max(1, server.checksInARow + 1) : Math.min(-1, server.checksInARow - 1);
            if (state == ServerState.HEALTHY && server.checksInARow <= -config.fall()) {
                server.state(ServerState.UNHEALTHY);
                log.accept("upstream " + upstream.name() + ": server " + server + " is DOWN after "
                        + config.fall() + " failed health check(s): " + why);
            } else if (state == ServerState.UNHEALTHY && server.checksInARow >= config.rise()) {
                server.state(ServerState.HEALTHY);
                log.accept("upstream " + upstream.name() + ": server " + server + " is UP after " + config.rise()
                        + " passed health check(s)");
            }
        }
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
