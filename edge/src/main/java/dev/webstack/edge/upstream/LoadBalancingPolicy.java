package dev.webstack.edge.upstream;

import java.util.List;

/**
 * How a pool picks the server for a request among those available. Implementations are called from every event
 * loop at once and must be thread-safe; they are given only servers that may take the request now.
 */
public interface LoadBalancingPolicy {
    /**
     * @param candidates the servers that may take the request (never empty)
     * @param key what hashing policies hash (the client's address or a cookie's value); null when absent
     */
    UpstreamServer pick(List<UpstreamServer> candidates, String key);
}
