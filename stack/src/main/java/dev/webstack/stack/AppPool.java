package dev.webstack.stack;

import dev.webstack.app.AppListener;
import dev.webstack.app.Instance;
import dev.webstack.edge.config.UpstreamServerConfig;
import dev.webstack.edge.upstream.Upstream;
import dev.webstack.edge.upstream.UpstreamServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where the app tier meets the edge: a healthy instance becomes a server of the edge's upstream pool, and an instance
 * leaving is drained (no new requests; the future completes once those in flight are done) and then removed. Each
 * instance is keyed on the pool's server object that its {@code healthy} added, never on its address: an instance
 * that turned unhealthy and back can be in the pool twice for a while (the old entry still draining). The app tier
 * starts before the edge, so instances that become healthy before the edge runs are remembered and added when the
 * pool is {@link #attach attached}.
 */
final class AppPool implements AppListener {
    private final Supplier<Duration> drainDeadline;
    private final Consumer<String> events;
    /** Healthy instances, with their server in the pool (null until the edge runs). Guarded by this. */
    private final Map<Instance, UpstreamServer> healthy = new LinkedHashMap<>();
    private Upstream upstream; // guarded by this; null until the edge runs and after it stopped

    /**
     * @param drainDeadline how long a leaving instance's requests may take before it is removed anyway (the app's
     *        stop grace as it is at the time: a deploy may change it)
     * @param events where the app tier's events go (restarts, crash loops)
     */
    AppPool(Supplier<Duration> drainDeadline, Consumer<String> events) {
        this.drainDeadline = drainDeadline;
        this.events = events;
    }

    /** The edge is up: its pool gets every instance healthy so far, and from now on each change as it comes. */
    synchronized void attach(Upstream pool) {
        upstream = pool;
        healthy.replaceAll((instance, none) -> pool.add(server(instance)));
    }

    /** The edge has stopped (it stops before the app tier): instances now leave without a drain. */
    synchronized void detach() {
        upstream = null;
    }

    @Override
    public synchronized void healthy(Instance instance) {
        healthy.put(instance, upstream == null ? null : upstream.add(server(instance)));
    }

    @Override
    public CompletableFuture<Void> leaving(Instance instance) {
        Upstream pool;
        UpstreamServer server;
        synchronized (this) {
            server = healthy.remove(instance);
            pool = upstream;
        }
        if (pool == null || server == null) {
            return CompletableFuture.completedFuture(null);
        }
        // Drained or not by the deadline, it leaves the pool; the supervisor's own wait is bounded the same way.
        return pool.drain(server, drainDeadline.get()).handle((done, timedOut) -> {
            pool.remove(server);
            return null;
        });
    }

    @Override
    public void event(String message) {
        events.accept(message);
    }

    /** Requests in flight now on the instance at {@code port}, as the edge counts them; 0 when not in the pool. */
    synchronized int inFlight(int port) {
        return healthy.entrySet().stream().filter(e -> e.getKey().port() == port && e.getValue() != null)
                .mapToInt(e -> e.getValue().inFlight()).sum();
    }

    private static UpstreamServerConfig server(Instance instance) {
        return UpstreamServerConfig.of(instance.host(), instance.port());
    }
}
