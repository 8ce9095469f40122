package dev.webstack.stack.config;

import dev.webstack.db.config.DbConfig;
import dev.webstack.dns.config.DnsConfig;
import dev.webstack.edge.config.EdgeConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole stack's configuration, bound from one YAML file (or all defaults when there is none).
 *
 * @param source the file it was read from; empty when every value is a default
 * @param dataDir the folder for runtime files ({@code logs/}, {@code run/}, {@code tls/}); by
 *     default {@code webstack-data/} beside the config file, or in the current directory
 * @param db the db tier
 * @param app the app tier
 * @param edge the edge tier
 * @param dns the DNS tier
 */
public record StackConfig(Optional<Path> source, Path dataDir, DbConfig db, AppTierConfig app, EdgeConfig edge, DnsConfig dns) {
    public StackConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(dns, "dns");
    }
}
