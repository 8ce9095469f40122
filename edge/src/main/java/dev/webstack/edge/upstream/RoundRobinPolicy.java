package dev.webstack.edge.upstream;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Smooth weighted round-robin, as nginx does it: each pick raises every candidate's current weight by its weight,
 * takes the highest, and lowers that one by the total. Weights 5, 1, 1 give a a b a c a a, not a a a a a b c.
 */
public final class RoundRobinPolicy implements LoadBalancingPolicy {
    private final Map<UpstreamServer, Integer> current = new IdentityHashMap<>();

    @Override
    public synchronized UpstreamServer pick(List<UpstreamServer> candidates, String key) {
        int total = 0;
        UpstreamServer best = null;
        int bestWeight = Integer.MIN_VALUE;
        for (UpstreamServer server : candidates) {
            int weight = current.getOrDefault(server, 0) + server.weight();
            current.put(server, weight);
            total += server.weight();
            if (weight > bestWeight) {
                best = server;
                bestWeight = weight;
            }
        }
        current.put(best, bestWeight - total);
        if (current.size() > 4 * candidates.size() + 16) {
            current.keySet().retainAll(candidates); // servers long gone from the pool
        }
        return best;
    }
}
