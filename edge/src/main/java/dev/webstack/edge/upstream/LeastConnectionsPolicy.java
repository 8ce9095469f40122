package dev.webstack.edge.upstream;

import java.util.ArrayList;
import java.util.List;

/**
 * The server with the fewest requests in flight for its weight (nginx's least_conn); ties go round the tied
 * servers by smooth weighted round-robin, so an idle pool still spreads requests, in proportion to weight.
 */
public final class LeastConnectionsPolicy implements LoadBalancingPolicy {
    private final RoundRobinPolicy ties = new RoundRobinPolicy();

    @Override
    public UpstreamServer pick(List<UpstreamServer> candidates, String key) {
        List<UpstreamServer> tied = new ArrayList<>(candidates.size());
        UpstreamServer best = null;
        long bestLoad = 0;
        for (UpstreamServer server : candidates) {
            // inFlight / weight compared without division: a/w1 < b/w2  <=>  a*w2 < b*w1
            long load = server.inFlight();
            long compared = best == null ? -1 : Long.compare(load * best.weight(), bestLoad * server.weight());
            if (best == null || compared < 0) {
                tied.clear();
                best = server;
                bestLoad = load;
            }
            if (compared <= 0) {
                tied.add(server);
            }
        }
        return tied.size() == 1 ? tied.get(0) : ties.pick(tied, null);
    }
}
