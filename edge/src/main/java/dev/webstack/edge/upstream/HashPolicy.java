package dev.webstack.edge.upstream;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Stickiness by rendezvous (highest random weight) hashing: each candidate scores {@code hash(key, server)},
 * weighted, and the best score wins. The same key keeps going to the same server while it is available; when a
 * server leaves, only its keys move. Without a key (no cookie yet), round-robin decides.
 */
public final class HashPolicy implements LoadBalancingPolicy {
    private final RoundRobinPolicy fallback = new RoundRobinPolicy();

    @Override
    public UpstreamServer pick(List<UpstreamServer> candidates, String key) {
        if (key == null || key.isEmpty()) {
            return fallback.pick(candidates, null);
        }
        long keyHash = fnv(key.getBytes(StandardCharsets.UTF_8), 0xcbf29ce484222325L);
        UpstreamServer best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (UpstreamServer server : candidates) {
            long h = mix(keyHash ^ fnv(server.toString().getBytes(StandardCharsets.UTF_8), 0x84222325cbf29ce4L));
            // A uniform draw in (0, 1) from the hash; weighted rendezvous: -w / ln(u).
            double u = ((h >>> 11) + 0.5) / (1L << 53);
            double score = -server.weight() / Math.log(u);
            if (score > bestScore) {
                best = server;
                bestScore = score;
            }
        }
        return best;
    }

    private static long fnv(byte[] bytes, long seed) {
        long h = seed;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A finaliser (splitmix64's), so close keys give unrelated scores. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
