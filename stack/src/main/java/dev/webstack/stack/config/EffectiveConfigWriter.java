package dev.webstack.stack.config;

import dev.webstack.app.AppConfig;
import dev.webstack.db.config.DbConfig;
import dev.webstack.dns.config.AddressRange;
import dev.webstack.dns.config.DnsConfig;
import dev.webstack.dns.config.GeneratedZoneConfig;
import dev.webstack.dns.config.RateLimitConfig;
import dev.webstack.dns.config.ZoneFileConfig;
import dev.webstack.edge.config.EdgeConfig;
import dev.webstack.edge.config.FilesConfig;
import dev.webstack.edge.config.HealthCheckConfig;
import dev.webstack.edge.config.LimitsConfig;
import dev.webstack.edge.config.LocationConfig;
import dev.webstack.edge.config.ListenerConfig;
import dev.webstack.edge.config.SiteConfig;
import dev.webstack.edge.config.TlsListenerConfig;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.config.UpstreamServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes a {@link StackConfig} back as YAML with every key present, defaults filled in, in the schema's order: what
 * {@code webstack config check} prints. An absent optional value is written {@code null}, which the loader reads as
 * absent, so the output loads back to an equal config.
 */
final class EffectiveConfigWriter {
    /**
     * Written without quotes: no YAML indicator at the start, nothing that ends a plain scalar inside. A {@code :}
     * is left out on purpose so that {@code host:port} and IPv6 addresses are quoted in flow lists too.
     */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./+*=@-]*");
    private static final Pattern NULL_LIKE = Pattern.compile("~|null|Null|NULL");

    private final StringBuilder out = new StringBuilder();

    private EffectiveConfigWriter() {}

    static String write(StackConfig config) {
        EffectiveConfigWriter w = new EffectiveConfigWriter();
        w.line(0, "data-dir", path(config.dataDir()));
        w.db(config.db());
        w.app(config.app());
        w.edge(config.edge());
        w.dns(config.dns());
        return w.out.toString();
    }

    /** Only the keys of the configured mode: the loader refuses the other mode's. */
    private void db(DbConfig db) {
        section(0, "db");
        line(1, "enabled", Boolean.toString(db.enabled()));
        line(1, "mode", db.mode().name().toLowerCase(java.util.Locale.ROOT));
        if (db.mode() == DbConfig.Mode.EMBEDDED) {
            line(1, "port", Integer.toString(db.port()));
            line(1, "database", scalar(db.database()));
            line(1, "user", scalar(db.user()));
        } else {
            line(1, "user", scalar(db.user()));
            line(1, "url", db.url().map(EffectiveConfigWriter::scalar).orElse("null"));
            line(1, "password-file", db.passwordFile().map(EffectiveConfigWriter::path).orElse("null"));
            line(1, "password-env", scalar(db.passwordEnv()));
        }
    }

    private void app(AppTierConfig tier) {
        AppConfig app = tier.app();
        section(0, "app");
        line(1, "enabled", Boolean.toString(tier.enabled()));
        line(1, "command", "[" + app.command().stream().map(EffectiveConfigWriter::scalar)
                .collect(Collectors.joining(", ")) + "]");
        line(1, "instances", Integer.toString(app.instances()));
        if (app.env().isEmpty()) {
            line(1, "env", "{}");
        } else {
            section(1, "env");
            new java.util.TreeMap<>(app.env()).forEach((name, value) -> line(2, name, scalar(value)));
        }
        line(1, "health-path", scalar(app.healthPath()));
        line(1, "upstream", scalar(tier.upstream()));
        line(1, "start-timeout", duration(app.startTimeout()));
        line(1, "stop-grace", duration(app.stopGrace()));
        line(1, "log-max-size", Units.formatSize(app.logMaxBytes()));
        line(1, "log-files-kept", Integer.toString(app.logFilesKept()));
        line(1, "restart-backoff-min", duration(app.restartBackoffMin()));
        line(1, "restart-backoff-max", duration(app.restartBackoffMax()));
        line(1, "crash-loop-failures", Integer.toString(app.crashLoopFailures()));
        line(1, "crash-loop-window", duration(app.crashLoopWindow()));
    }

    private void dns(DnsConfig dns) {
        section(0, "dns");
        line(1, "enabled", Boolean.toString(dns.enabled()));
        line(1, "address", scalar(AddressRange.format(dns.listen().getAddress())));
        line(1, "port", Integer.toString(dns.listen().getPort()));
        line(1, "workers", Integer.toString(dns.workers()));
        line(1, "udp-size", Integer.toString(dns.udpSize()));
        line(1, "tcp-idle-timeout", duration(dns.tcpIdleTimeout()));
        line(1, "max-tcp-connections", Integer.toString(dns.maxTcpConnections()));
        String ranges = dns.allowTransfer().stream().map(r -> scalar(r.toString())).collect(Collectors.joining(", "));
        line(1, "allow-transfer", "[" + ranges + "]");
        RateLimitConfig limit = dns.rateLimit();
        section(1, "rate-limit");
        line(2, "responses-per-second", Integer.toString(limit.responsesPerSecond()));
        line(2, "slip", Integer.toString(limit.slip()));
        line(2, "ipv4-prefix", Integer.toString(limit.ipv4Prefix()));
        line(2, "ipv6-prefix", Integer.toString(limit.ipv6Prefix()));
        if (dns.zone().isPresent()) {
            GeneratedZoneConfig zone = dns.zone().get();
            section(1, "zone");
            line(2, "domain", scalar(zone.domain()));
            line(2, "address", scalar(AddressRange.format(zone.address())));
            line(2, "address6", optional(zone.address6().map(AddressRange::format)));
            line(2, "ttl", duration(zone.ttl()));
        } else {
            line(1, "zone", "false");
        }
        if (dns.zoneFiles().isEmpty()) {
            line(1, "zone-files", "[]");
        } else {
            section(1, "zone-files");
            for (ZoneFileConfig file : dns.zoneFiles()) {
                indent(2).append("- origin: ").append(scalar(file.origin())).append('\n');
                line(3, "file", path(file.file()));
            }
        }
    }

    private void edge(EdgeConfig edge) {
        section(0, "edge");
        line(1, "workers", Integer.toString(edge.workers()));
        line(1, "transport", edge.transport().configName());
        line(1, "access-log", Boolean.toString(edge.accessLog()));
        line(1, "default-host", optional(edge.defaultHost()));
        http(edge.http());
        https(edge.https());
        limits(edge.limits());
        files(edge.files());
        upstreams(edge.upstreams());
        sites(edge.sites());
    }

    private void http(ListenerConfig http) {
        section(1, "http");
        line(2, "enabled", Boolean.toString(http.enabled()));
        line(2, "address", scalar(http.address()));
        line(2, "port", Integer.toString(http.port()));
    }

    private void https(TlsListenerConfig https) {
        section(1, "https");
        line(2, "enabled", Boolean.toString(https.enabled()));
        line(2, "address", scalar(https.address()));
        line(2, "port", Integer.toString(https.port()));
        line(2, "certificate", optional(https.certificate().map(Path::toString)));
        line(2, "key", optional(https.key().map(Path::toString)));
        line(2, "http2", Boolean.toString(https.http2()));
        line(2, "redirect-http", Boolean.toString(https.redirectHttp()));
    }

    private void limits(LimitsConfig limits) {
        section(1, "limits");
        line(2, "max-request-line", Units.formatSize(limits.maxRequestLine()));
        line(2, "max-header-size", Units.formatSize(limits.maxHeaderSize()));
        line(2, "max-body-size", Units.formatSize(limits.maxBodySize()));
        line(2, "header-timeout", duration(limits.headerTimeout()));
        line(2, "idle-timeout", duration(limits.idleTimeout()));
        line(2, "send-timeout", duration(limits.sendTimeout()));
        line(2, "max-connections", Integer.toString(limits.maxConnections()));
        line(2, "keepalive-requests", Integer.toString(limits.keepaliveRequests()));
        line(2, "shutdown-grace", duration(limits.shutdownGrace()));
    }

    private void files(FilesConfig files) {
        section(1, "files");
        line(2, "cache-valid", duration(files.cacheValid()));
        line(2, "memory-cache-max-file", Units.formatSize(files.memoryCacheMaxFile()));
        line(2, "memory-cache-size", Units.formatSize(files.memoryCacheSize()));
        line(2, "gzip", Boolean.toString(files.gzip()));
        line(2, "gzip-min-length", Units.formatSize(files.gzipMinLength()));
        line(2, "gzip-max-length", Units.formatSize(files.gzipMaxLength()));
        if (files.gzipTypes().isEmpty()) {
            line(2, "gzip-types", "[]");
        } else {
            section(2, "gzip-types");
            for (String type : files.gzipTypes()) {
                indent(3).append("- ").append(scalar(type)).append('\n');
            }
        }
    }

    /** A file site lists what it serves; a redirect site only where it sends requests (the loader refuses the rest). */
    private void sites(List<SiteConfig> sites) {
        if (sites.isEmpty()) {
            line(1, "sites", "[]");
            return;
        }
        section(1, "sites");
        for (SiteConfig site : sites) {
            String hosts = site.hosts().stream().map(EffectiveConfigWriter::scalar).collect(Collectors.joining(", "));
            indent(2).append("- hosts: [").append(hosts).append("]\n");
            if (site.redirect().isEmpty()) {
                line(3, "root", optional(site.root().map(Path::toString)));
                line(3, "index", scalar(site.index()));
                line(3, "cache-control", optional(site.cacheControl()));
                line(3, "proxy", optional(site.proxy()));
                if (site.locations().isEmpty()) {
                    line(3, "locations", "[]");
                } else {
                    section(3, "locations");
                    for (LocationConfig location : site.locations()) {
                        indent(4).append("- prefix: ").append(scalar(location.prefix())).append('\n');
                        line(5, "proxy", scalar(location.proxy()));
                    }
                }
            } else {
                line(3, "redirect", optional(site.redirect()));
            }
        }
    }

    private void upstreams(List<UpstreamConfig> upstreams) {
        if (upstreams.isEmpty()) {
            line(1, "upstreams", "[]");
            return;
        }
        section(1, "upstreams");
        for (UpstreamConfig u : upstreams) {
            indent(2).append("- name: ").append(scalar(u.name())).append('\n');
            if (u.servers().isEmpty()) {
                line(3, "servers", "[]");
            } else {
                section(3, "servers");
            }
            for (UpstreamServerConfig server : u.servers()) {
                indent(4).append("- address: ").append(scalar(server.address())).append('\n');
                line(5, "weight", Integer.toString(server.weight()));
                line(5, "max-connections", Integer.toString(server.maxConnections()));
            }
            line(3, "balance", u.balance().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            line(3, "hash-cookie", optional(u.hashCookie()));
            line(3, "keepalive", Integer.toString(u.keepalive()));
            line(3, "connect-timeout", duration(u.connectTimeout()));
            line(3, "response-timeout", duration(u.responseTimeout()));
            line(3, "idle-timeout", duration(u.idleTimeout()));
            line(3, "max-tries", Integer.toString(u.maxTries()));
            line(3, "try-timeout", duration(u.tryTimeout()));
            HealthCheckConfig h = u.health();
            section(3, "health");
            line(4, "path", optional(h.path()));
            line(4, "interval", duration(h.interval()));
            line(4, "timeout", duration(h.timeout()));
            line(4, "rise", Integer.toString(h.rise()));
            line(4, "fall", Integer.toString(h.fall()));
            line(4, "max-fails", Integer.toString(h.maxFails()));
            line(4, "fail-timeout", duration(h.failTimeout()));
        }
    }

    private void section(int depth, String key) {
        indent(depth).append(key).append(":\n");
    }

    private void line(int depth, String key, String value) {
        indent(depth).append(key).append(": ").append(value).append('\n');
    }

    private StringBuilder indent(int depth) {
        return out.append("  ".repeat(depth));
    }

    private static String duration(Duration d) {
        return Units.formatDuration(d);
    }

    private static String path(Path p) {
        return scalar(p.toString());
    }

    private static String optional(Optional<String> value) {
        return value.map(EffectiveConfigWriter::scalar).orElse("null");
    }

    /** A string as a YAML scalar: plain when that reads back as the same string, else double-quoted. */
    static String scalar(String value) {
        if (PLAIN.matcher(value).matches() && !NULL_LIKE.matcher(value).matches()) {
            return value;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\x%02x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
