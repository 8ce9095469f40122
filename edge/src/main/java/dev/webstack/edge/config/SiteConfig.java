package dev.webstack.edge.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One virtual host: the host names it answers for, and what it does with a request. A site either
 * serves files from {@code root} or redirects every request to another host (301, path and query
 * kept), never both.
 *
 * @param hosts host names, matched case-insensitively and without the port
 * @param root the folder whose files are served; empty for a redirect site
 * @param index the file served for a directory (default index.html)
 * @param cacheControl the Cache-Control header sent with files; empty sends none
 * @param redirect the host every request is sent to with 301; empty for a file site
 */
public record SiteConfig(
        List<String> hosts,
        Optional<Path> root,
        String index,
        Optional<String> cacheControl,
        Optional<String> redirect) {

    public static final String DEFAULT_INDEX = "index.html";

    public SiteConfig {
        hosts = List.copyOf(hosts);
        if (root.isPresent() == redirect.isPresent()) {
            throw new IllegalArgumentException("a site has either a root or a redirect: " + hosts);
        }
    }

    public static SiteConfig files(List<String> hosts, Path root) {
        return new SiteConfig(hosts, Optional.of(root), DEFAULT_INDEX, Optional.empty(), Optional.empty());
    }

    public static SiteConfig redirect(List<String> hosts, String target) {
        return new SiteConfig(hosts, Optional.empty(), DEFAULT_INDEX, Optional.empty(), Optional.of(target));
    }
}
