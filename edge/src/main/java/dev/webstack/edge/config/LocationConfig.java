package dev.webstack.edge.config;

/**
 * A path prefix of a site that is proxied to an upstream pool, whatever the site does with other paths.
 *
 * @param prefix the start of the path, e.g. {@code /api/}; the longest matching prefix wins
 * @param proxy the name of the upstream pool
 */
public record LocationConfig(String prefix, String proxy) {
    public LocationConfig {
        if (!prefix.startsWith("/")) {
            throw new IllegalArgumentException("prefix " + prefix + " (expected: a path starting with /)");
        }
    }
}
