package dev.webstack.edge.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The edge tier's whole configuration, immutable and already validated (the stack's config loader
 * refuses a bad file before an {@code EdgeConfig} exists).
 *
 * @param http the plain-HTTP listener (default 127.0.0.1:8080)
 * @param https the TLS listener with HTTP/2 (default 127.0.0.1:8443)
 * @param workers event-loop threads; 0 means one per core (default 0)
 * @param transport how the event loops do their I/O (default {@link IoTransport#AUTO})
 * @param limits request size limits and timeouts
 * @param files static-file serving settings (caches, gzip)
 * @param accessLog whether requests are written to {@code logs/access.log} (default true)
 * @param defaultHost the host name whose site answers requests for unknown hosts; empty means 404
 * @param sites the virtual hosts, each claiming one or more host names
 * @param upstreams the pools of servers sites proxy to
 */
public record EdgeConfig(
        ListenerConfig http,
        TlsListenerConfig https,
        int workers,
        IoTransport transport,
        LimitsConfig limits,
        FilesConfig files,
        boolean accessLog,
        Optional<String> defaultHost,
        List<SiteConfig> sites,
        List<UpstreamConfig> upstreams) {

    public EdgeConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(https, "https");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(defaultHost, "defaultHost");
        sites = List.copyOf(sites);
        upstreams = List.copyOf(upstreams);
    }

    /** Without upstream pools: the edge as a file server. */
    public EdgeConfig(ListenerConfig http, TlsListenerConfig https, int workers, LimitsConfig limits,
            FilesConfig files, boolean accessLog, Optional<String> defaultHost, List<SiteConfig> sites) {
        this(http, https, workers, IoTransport.AUTO, limits, files, accessLog, defaultHost, sites, List.of());
    }

    /** The same configuration with other sites and upstream pools (what a reload may change). */
    public EdgeConfig withRouting(Optional<String> defaultHost, List<SiteConfig> sites, List<UpstreamConfig> upstreams) {
        return new EdgeConfig(http, https, workers, transport, limits, files, accessLog, defaultHost, sites, upstreams);
    }

    /** The upstream pool called {@code name}, if there is one. */
    public Optional<UpstreamConfig> upstream(String name) {
        return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** The foobar.com defaults: www.foobar.com served from {@code root}, foobar.com redirected to it. */
    public static EdgeConfig defaults(Path root) {
        return new EdgeConfig(
                ListenerConfig.DEFAULT_HTTP,
                TlsListenerConfig.DEFAULT,
                0,
                LimitsConfig.DEFAULT,
                FilesConfig.DEFAULT,
                true,
                Optional.empty(),
                List.of(
                        SiteConfig.files(List.of("www.foobar.com"), root),
                        SiteConfig.redirect(List.of("foobar.com"), "www.foobar.com")));
    }
}
