package dev.webstack.edge.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One virtual host: the host names it answers for, and what it does with a request. A site redirects every
 * request to another host (301, path and query kept); or serves files from {@code root}; or proxies to an
 * upstream pool; or both of the last two, files first and the pool for paths that are no file (nginx's
 * {@code try_files $uri $uri/ @app}). Path prefixes in {@code locations} go to their own pools.
 *
 * @param hosts host names, matched case-insensitively and without the port
 * @param root the folder whose files are served; empty for none
 * @param index the file served for a directory (default index.html)
 * @param cacheControl the Cache-Control header sent with files; empty sends none
 * @param redirect the host every request is sent to with 301; empty for a file or proxy site
 * @param proxy the upstream pool requests go to (after the files, with a root); empty for none
 * @param locations path prefixes proxied to their own pools
 */
public record SiteConfig(
        List<String> hosts,
        Optional<Path> root,
        String index,
        Optional<String> cacheControl,
        Optional<String> redirect,
        Optional<String> proxy,
        List<LocationConfig> locations) {

    public static final String DEFAULT_INDEX = "index.html";

    public SiteConfig {
        hosts = List.copyOf(hosts);
        locations = List.copyOf(locations);
        if (redirect.isPresent() == (root.isPresent() || proxy.isPresent())) {
            throw new IllegalArgumentException("a site has a redirect, or a root and/or a proxy: " + hosts);
        }
    }

    /** The site before proxying existed: files from {@code root}, or a redirect. */
    public SiteConfig(List<String> hosts, Optional<Path> root, String index, Optional<String> cacheControl,
            Optional<String> redirect) {
        this(hosts, root, index, cacheControl, redirect, Optional.empty(), List.of());
    }

    public static SiteConfig files(List<String> hosts, Path root) {
        return new SiteConfig(hosts, Optional.of(root), DEFAULT_INDEX, Optional.empty(), Optional.empty());
    }

    public static SiteConfig redirect(List<String> hosts, String target) {
        return new SiteConfig(hosts, Optional.empty(), DEFAULT_INDEX, Optional.empty(), Optional.of(target));
    }

    /** Every request to the upstream pool {@code upstream}. */
    public static SiteConfig proxy(List<String> hosts, String upstream) {
        return new SiteConfig(hosts, Optional.empty(), DEFAULT_INDEX, Optional.empty(), Optional.empty(),
                Optional.of(upstream), List.of());
    }

    /** Files from {@code root} first; whatever is no file goes to {@code upstream}. */
    public static SiteConfig filesThenProxy(List<String> hosts, Path root, String upstream) {
        return new SiteConfig(hosts, Optional.of(root), DEFAULT_INDEX, Optional.empty(), Optional.empty(),
                Optional.of(upstream), List.of());
    }

    public SiteConfig withLocations(List<LocationConfig> paths) {
        return new SiteConfig(hosts, root, index, cacheControl, redirect, proxy, paths);
    }
}
