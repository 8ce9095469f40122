package dev.webstack.edge.upstream;

import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.config.UpstreamServerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An upstream pool at run time: its servers, the policy that picks among them, and their health. Requests take a
 * server with {@link #pick} and give it back with {@link #release}, reporting how it went; the app tier changes
 * the membership while requests run ({@link #add}, {@link #remove}, {@link #drain}). Thread-safe.
 */
public final class Upstream implements AutoCloseable {
    private final UpstreamConfig config;
    /** An immutable snapshot, replaced whole when the membership changes, so a pick reads one consistent list. */
    private volatile List<UpstreamServer> servers = List.of();
    private final LoadBalancingPolicy policy;
    private final PassiveHealthCheck passive;
    private final Consumer<String> log;
    private final List<Consumer<UpstreamServer>> onRemove = new java.util.concurrent.CopyOnWriteArrayList<>();
    private ActiveHealthCheck active;

    /** @param log where state changes go (the edge's error log) */
    public Upstream(UpstreamConfig config, Consumer<String> log) {
        this.config = config;
        this.log = log;
        this.policy = switch (config.balance()) {
            case ROUND_ROBIN -> new RoundRobinPolicy();
            case LEAST_CONNECTIONS -> new LeastConnectionsPolicy();
            case CLIENT_HASH, COOKIE_HASH -> new HashPolicy();
        };
        this.passive = new PassiveHealthCheck(config.name(), config.health(), log);
        List<UpstreamServer> initial = new ArrayList<>();
        for (UpstreamServerConfig server : config.servers()) {
            initial.add(new UpstreamServer(server));
        }
        servers = List.copyOf(initial);
    }

    public UpstreamConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** Starts the active health checks, when the config has them. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        if (config.health().path().isPresent() && active == null) {
            active = new ActiveHealthCheck(this, config.health(), scheduler, log);
            active.start();
        }
    }

    /**
     * Picks a server for a request and counts the request on it, or returns null when none may take it (503).
     *
     * @param key the client's address or cookie value, for hashing policies
     * @param tried servers this request already failed on, not to be picked again
     * @param now {@link System#nanoTime()} as the caller last read it (a request reads the clock once)
     */
    public UpstreamServer pick(String key, Collection<UpstreamServer> tried, long now) {
        List<UpstreamServer> servers = this.servers;
        if (servers.size() == 1 && tried.isEmpty()) {
            // The common one-server pool: no list, no policy.
            UpstreamServer only = servers.get(0);
            if (only.isAvailable(now) && only.tryBegin()) {
                if (only.state() == ServerState.HEALTHY) {
                    return only;
                }
                only.end();
            }
            return null;
        }
        List<UpstreamServer> candidates = new ArrayList<>(servers.size());
        for (UpstreamServer server : servers) {
            if (server.isAvailable(now) && !tried.contains(server)) {
                candidates.add(server);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        UpstreamServer server = policy.pick(candidates, key);
        if (!server.tryBegin()) {
            return pick(key, tried, now); // filled up by another event loop meanwhile: pick again
        }
        if (server.state() != ServerState.HEALTHY) {
            // Drained or taken out between the check and the count: a drain that saw no request in flight
            // must not get one now. Pick again.
            server.end();
            return pick(key, tried, now);
        }
        return server;
    }

    /** A request picked on {@code server} is over; {@code ok} says whether the server did its part. */
    public void release(UpstreamServer server, boolean ok, String failure) {
        if (ok) {
            passive.succeeded(server);
        } else {
            passive.failed(server, failure);
        }
        server.end();
    }

    /** Adds a server; it takes requests at once (the app tier adds an instance once it answers its health URL). */
    public UpstreamServer add(UpstreamServerConfig server) {
        UpstreamServer added = new UpstreamServer(server);
        synchronized (this) {
            List<UpstreamServer> next = new ArrayList<>(servers);
            next.add(added);
            servers = List.copyOf(next);
        }
        log.accept("upstream " + name() + ": server " + added + " added");
        return added;
    }

    /**
     * Stops new requests to the server at {@code address} ({@code host:port}); the future completes when its
     * requests in flight have finished, or exceptionally after {@code deadline} with them still running. The
     * server stays in the pool, draining, until {@link #remove}d.
     */
    public CompletableFuture<Void> drain(String address, Duration deadline) {
        Optional<UpstreamServer> found = find(address);
        if (found.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "upstream " + name() + " has no server " + address));
        }
        return drain(found.get(), deadline);
    }

    /**
     * As {@link #drain(String, Duration)}, for the very server {@link #add} returned: the app tier keys on it, since
     * an instance that left and came back can be in the pool twice at one address for a while.
     */
    public CompletableFuture<Void> drain(UpstreamServer server, Duration deadline) {
        synchronized (server) { // with the health check, which only moves HEALTHY and UNHEALTHY
            server.state(ServerState.DRAINING);
        }
        log.accept("upstream " + name() + ": server " + server + " draining (" + server.inFlight() + " in flight)");
        return server.drained().copy().orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes the server out of the pool at once; requests in flight on it finish. False when there is none. */
    public boolean remove(String address) {
        Optional<UpstreamServer> found = find(address);
        found.ifPresent(this::remove);
        return found.isPresent();
    }

    /** As {@link #remove(String)}, for the very server {@link #add} returned; false when it is not in the pool. */
    public boolean remove(UpstreamServer server) {
        synchronized (this) {
            if (!servers.contains(server)) {
                return false;
            }
            List<UpstreamServer> next = new ArrayList<>(servers);
            next.remove(server);
            servers = List.copyOf(next);
        }
        synchronized (server) {
            server.state(ServerState.REMOVED);
        }
        log.accept("upstream " + name() + ": server " + server + " removed");
        onRemove.forEach(listener -> listener.accept(server));
        return true;
    }

    /** Called with each server {@link #remove}d, after it left the pool (the connection pool closes its idle ones). */
    public void onRemove(Consumer<UpstreamServer> listener) {
        onRemove.add(listener);
    }

    public List<UpstreamServer> servers() {
        return servers;
    }

    private Optional<UpstreamServer> find(String address) {
        return servers.stream().filter(s -> s.config().address().equals(address)).findFirst();
    }

    @Override
    public synchronized void close() {
        if (active != null) {
            active.close();
        }
    }
}
