package dev.webstack.stack;

import dev.webstack.app.AppListener;
import dev.webstack.app.Instance;
import dev.webstack.edge.config.UpstreamServerConfig;
import dev.webstack.edge.upstream.Upstream;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where the app tier meets the edge: a healthy instance becomes a server of the edge's upstream pool, and an instance
 * leaving is drained (no new requests; the future completes once those in flight are done) and then removed. The app
 * tier starts before the edge, so instances that become healthy before the edge runs are remembered and added when
 * the pool is {@link #attach attached}.
 */
final class AppPool implements AppListener {
    private final Duration drainDeadline;
    private final Consumer<String> events;
    private final Set<Instance> healthy = new LinkedHashSet<>(); // guarded by this
    private Upstream upstream; // guarded by this; null until the edge runs

    /**
     * @param drainDeadline how long a leaving instance's requests may take before it is removed anyway
     * @param events where the app tier's events go (restarts, crash loops)
     */
    AppPool(Duration drainDeadline, Consumer<String> events) {
        this.drainDeadline = drainDeadline;
        this.events = events;
    }

    /** The edge is up: its pool gets every instance healthy so far, and from now on each change as it comes. */
    synchronized void attach(Upstream pool) {
        upstream = pool;
        healthy.forEach(instance -> pool.add(server(instance)));
    }

    /** The edge has stopped (it stops before the app tier): instances now leave without a drain. */
    synchronized void detach() {
        upstream = null;
    }

    @Override
    public synchronized void healthy(Instance instance) {
        healthy.add(instance);
        if (upstream != null) {
            upstream.add(server(instance));
        }
    }

    @Override
    public CompletableFuture<Void> leaving(Instance instance) {
        Upstream pool;
        synchronized (this) {
            healthy.remove(instance);
            pool = upstream;
        }
        if (pool == null) {
            return CompletableFuture.completedFuture(null);
        }
        String address = instance.address();
        // Drained or not by the deadline, it leaves the pool; the supervisor's own wait is bounded the same way.
        return pool.drain(address, drainDeadline).handle((done, timedOut) -> {
            pool.remove(address);
            return null;
        });
    }

    @Override
    public void event(String message) {
        events.accept(message);
    }

    /** Requests in flight now on the instance at {@code port}, as the edge counts them; 0 when not in the pool. */
    synchronized int inFlight(int port) {
        if (upstream == null || port == 0) {
            return 0;
        }
        String address = Instance.HOST + ":" + port;
        return upstream.servers().stream().filter(s -> s.config().address().equals(address))
                .mapToInt(s -> s.inFlight()).sum();
    }

    private static UpstreamServerConfig server(Instance instance) {
        return UpstreamServerConfig.of(instance.host(), instance.port());
    }
}
