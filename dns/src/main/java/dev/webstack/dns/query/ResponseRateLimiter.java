package dev.webstack.dns.query;

import dev.webstack.dns.config.RateLimitConfig;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.Name;

/**
 * Response-rate limiting in the manner of BIND's and NSD's RRL: a token bucket per client network and kind of
 * answer. Positive answers share a bucket by name (the wildcard's or the delegation's for synthesized answers and
 * referrals) and type; NXDOMAIN answers share one per zone, and REFUSED ones one per network, so a flood of random
 * names is still one kind. Past the rate an answer is dropped, except every {@code slip}-th, which goes out
 * truncated so that a real client behind a forged-looking address can still get through over TCP. The table is
 * bounded: idle buckets are swept every second, and when it is full of live ones newcomers share one bucket.
 */
public final class ResponseRateLimiter {
    /** What to do with one answer. */
    public enum Verdict { SEND, DROP, SLIP }

    private static final int MAX_BUCKETS = 100_000;
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;
    private static final Key OVERFLOW = new Key(new byte[0], null, -1, -1);

    private final RateLimitConfig config;
    private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE);

    public ResponseRateLimiter(RateLimitConfig config) {
        this.config = config;
    }

    /**
     * @param name the question's name for positive answers, the zone's origin for NXDOMAIN, null for errors
     */
    public Verdict check(InetAddress client, Name name, int type, int rcode, long nowNanos) {
        Key key = new Key(network(client), name, type, rcode);
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            sweep(nowNanos);
            if (buckets.size() >= MAX_BUCKETS) {
                // Full of live buckets (a flood of kinds of answer): the newcomers share one, and the buckets
                // already emptied by an attack stay empty rather than being forgotten.
                key = OVERFLOW;
            }
            bucket = buckets.computeIfAbsent(key, k -> new Bucket(config.responsesPerSecond(), nowNanos));
        }
        return bucket.take(config.responsesPerSecond(), config.slip(), nowNanos);
    }

    int size() {
        return buckets.size();
    }

    /** Forgets buckets that have refilled: only networks sending now take memory, and never more than a cap. */
    private void sweep(long nowNanos) {
        long last = lastSweep.get();
        if (last != Long.MIN_VALUE && nowNanos - last < SWEEP_INTERVAL_NANOS) {
            return;
        }
        if (!lastSweep.compareAndSet(last, nowNanos)) {
            return;
        }
        buckets.values().removeIf(b -> b.isIdle(nowNanos));
    }

    private byte[] network(InetAddress client) {
        byte[] address = client.getAddress();
        int prefix = address.length == 4 ? config.ipv4Prefix() : config.ipv6Prefix();
        byte[] network = Arrays.copyOf(address, (prefix + 7) / 8);
        if (prefix % 8 != 0) {
            network[network.length - 1] &= (byte) (0xff << (8 - prefix % 8));
        }
        return network;
    }

    private record Key(byte[] network, Name name, int type, int rcode) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(network, k.network) && type == k.type && rcode == k.rcode
                    && (name == null ? k.name == null : name.equals(k.name));
        }

        @Override
        public int hashCode() {
            return (Arrays.hashCode(network) * 31 + (name == null ? 0 : name.hashCode())) * 31 + type * 17 + rcode;
        }
    }

    private static final class Bucket {
        private double tokens;
        private long last;
        private long limited;

        Bucket(int rate, long now) {
            this.tokens = rate;
            this.last = now;
        }

        synchronized Verdict take(int rate, int slip, long now) {
            tokens = Math.min(rate, tokens + (now - last) * rate / 1e9);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Verdict.SEND;
            }
            limited++;
            return slip > 0 && limited % slip == 0 ? Verdict.SLIP : Verdict.DROP;
        }

        synchronized boolean isIdle(long now) {
            return now - last > 2 * SWEEP_INTERVAL_NANOS;
        }
    }
}
