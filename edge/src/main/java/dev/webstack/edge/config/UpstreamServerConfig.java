package dev.webstack.edge.config;

/**
 * One server of an upstream pool.
 *
 * @param host an IP address or a host name resolved when the edge starts
 * @param port its port
 * @param weight its share of requests relative to the others (default 1)
 * @param maxConnections requests it may have at once, 0 for no limit (default 0); a full server is skipped
 */
public record UpstreamServerConfig(String host, int port, int weight, int maxConnections) {
    public UpstreamServerConfig {
        if (weight < 1) {
            throw new IllegalArgumentException("weight " + weight + " (expected: >= 1)");
        }
    }

    public static UpstreamServerConfig of(String host, int port) {
        return new UpstreamServerConfig(host, port, 1, 0);
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
