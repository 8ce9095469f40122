package dev.webstack.edge.upstream;

import dev.webstack.edge.config.UpstreamServerConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server of an upstream pool at run time: its address, weight and limit, its state, and the counts the
 * balancing policies and health checks work from. Shared by every event loop, so its changing parts are atomic
 * or volatile; the policies' own per-server figures live in the policies.
 */
public final class UpstreamServer {
    private final UpstreamServerConfig config;
    private final InetSocketAddress address;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile ServerState state = ServerState.HEALTHY;
    /**
     * Until when passive checks have taken it out, compared as {@code now - this >= 0}. At first a day before it was
     * made: not ejected even for a {@code now} read a moment before the server was added.
     */
    private volatile long ejectedUntilNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    /** Passive checks: failed requests in a row. Active checks: passes or failures in a row (sign). */
    final AtomicInteger failuresInARow = new AtomicInteger();
    int checksInARow;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    UpstreamServer(UpstreamServerConfig config) {
        this.config = config;
        this.address = new InetSocketAddress(config.host(), config.port());
    }

    public UpstreamServerConfig config() {
        return config;
    }

    public InetSocketAddress address() {
        return address;
    }

    public int weight() {
        return config.weight();
    }

    public ServerState state() {
        return state;
    }

    void state(ServerState next) {
        state = next;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Whether a new request may go here now: healthy, not ejected, not full. */
    boolean isAvailable(long nowNanos) {
        return state == ServerState.HEALTHY
                && nowNanos - ejectedUntilNanos >= 0
                && (config.maxConnections() == 0 || inFlight.get() < config.maxConnections());
    }

    /** Whether passive health checks have taken it out for a while, now ({@code webstack status} shows it). */
    public boolean isEjected() {
        return isEjected(System.nanoTime());
    }

    boolean isEjected(long nowNanos) {
        return nowNanos - ejectedUntilNanos < 0;
    }

    void eject(long untilNanos) {
        ejectedUntilNanos = untilNanos;
    }

    /** A request starts here. */
    void begin() {
        inFlight.incrementAndGet();
    }

    /**
     * Counts a request here unless the server is full: the check and the count are one step, so event loops
     * picking at once cannot take it past its max-connections.
     */
    boolean tryBegin() {
        int max = config.maxConnections();
        if (max == 0) {
            inFlight.incrementAndGet();
            return true;
        }
        while (true) {
            int now = inFlight.get();
            if (now >= max) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** A request here is over; the last one out of a draining server completes its drain. */
    void end() {
        if (inFlight.decrementAndGet() == 0 && (state == ServerState.DRAINING || state == ServerState.REMOVED)) {
            drained.complete(null);
        }
    }

    CompletableFuture<Void> drained() {
        if (inFlight.get() == 0) {
            drained.complete(null);
        }
        return drained;
    }

    @Override
    public String toString() {
        return config.address();
    }
}
