package dev.webstack.edge.http;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The compiled, immutable table of virtual hosts: host name → route. Matching is by the Host
 * header, case-insensitive, without the port and without a trailing dot; an unknown host gets the
 * default route, or none (404).
 */
public final class VirtualHosts {
    private final Map<String, Route> byHost;
    private final Route fallback;

    private VirtualHosts(Map<String, Route> byHost, Route fallback) {
        this.byHost = Map.copyOf(byHost);
        this.fallback = fallback;
    }

    /** The route for a Host header value; null when no site claims it and there is no default. */
    public Route route(String hostHeader) {
        if (hostHeader == null) {
            return fallback;
        }
        Route r = byHost.get(hostHeader); // the common case: already lower case, no port
        if (r != null) {
            return r;
        }
        r = byHost.get(hostOf(hostHeader));
        return r != null ? r : fallback;
    }

    /** The host part of a Host header: lower case, port and trailing dot removed, IPv6 brackets kept. */
    public static String hostOf(String hostHeader) {
        String h = hostHeader.trim();
        int colon = portColon(h);
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /** The port part of a Host header, or null when it has none. */
    public static String portOf(String hostHeader) {
        String h = hostHeader.trim();
        int colon = portColon(h);
        return colon >= 0 && colon < h.length() - 1 ? h.substring(colon + 1) : null;
    }

    /** Where the port's colon is in a Host value, -1 when there is none (an IPv6 literal's colons are not it). */
    private static int portColon(String h) {
        return h.startsWith("[") ? h.indexOf(':', h.indexOf(']')) : h.indexOf(':');
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects host → route pairs; the config loader has already refused duplicates. */
    public static final class Builder {
        private final Map<String, Route> byHost = new HashMap<>();
        private Route fallback;

        public Builder add(String host, Route route) {
            if (byHost.putIfAbsent(hostOf(host), route) != null) {
                throw new IllegalArgumentException("host claimed by two sites: " + host);
            }
            return this;
        }

        public Builder fallback(Route route) {
            this.fallback = route;
            return this;
        }

        public Route get(String host) {
            return byHost.get(hostOf(host));
        }

        public VirtualHosts build() {
            return new VirtualHosts(byHost, fallback);
        }
    }
}
