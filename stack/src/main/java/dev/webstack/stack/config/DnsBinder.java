package dev.webstack.stack.config;

import dev.webstack.dns.config.AddressRange;
import dev.webstack.dns.config.DnsConfig;
import dev.webstack.dns.config.GeneratedZoneConfig;
import dev.webstack.dns.config.RateLimitConfig;
import dev.webstack.dns.config.ZoneFileConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Binds the {@code dns:} section of the config file to a {@link DnsConfig}: the listener, the protocol limits,
 * response-rate limiting, the generated zone and the zone files. Zone files are checked to exist here; their
 * content is checked when the zones are built, before anything starts.
 */
final class DnsBinder {
    static final List<String> KEYS = List.of("enabled", "address", "port", "workers", "udp-size",
            "tcp-idle-timeout", "max-tcp-connections", "allow-transfer", "rate-limit", "zone", "zone-files");
    static final List<String> RATE_LIMIT_KEYS = List.of("responses-per-second", "slip", "ipv4-prefix", "ipv6-prefix");
    static final List<String> ZONE_KEYS = List.of("domain", "address", "address6", "ttl");
    static final List<String> ZONE_FILE_KEYS = List.of("origin", "file");

    private static final String IP = "an IP address literal";
    private static final String DOMAIN = "a domain name (dot-separated labels of letters, digits and inner hyphens)";

    private final Problems problems;
    private final Path baseDir;

    DnsBinder(Problems problems, Path baseDir) {
        this.problems = problems;
        this.baseDir = baseDir;
    }

    DnsConfig bind(YamlSection s) {
        DnsConfig d = DnsConfig.defaults();
        boolean enabled = s.bool("enabled", d.enabled());
        InetAddress address = ip(s, "address").orElse(d.listen().getAddress());
        int port = s.port("port", d.listen().getPort());
        int workers = s.integer("workers", d.workers(), 0);
        int udpSize = s.integer("udp-size", d.udpSize(), 512);
        if (udpSize > 65535) {
            s.error("udp-size", "expected a size from 512 to 65535, got '" + udpSize + "'");
        }
        return new DnsConfig(
                enabled,
                new InetSocketAddress(address, port),
                workers,
                Math.min(udpSize, 65535),
                s.duration("tcp-idle-timeout", d.tcpIdleTimeout()),
                s.integer("max-tcp-connections", d.maxTcpConnections(), 1),
                allowTransfer(s),
                rateLimit(s.section("rate-limit", RATE_LIMIT_KEYS)),
                zone(s),
                zoneFiles(s));
    }

    private List<AddressRange> allowTransfer(YamlSection s) {
        List<AddressRange> ranges = new ArrayList<>();
        for (YamlSection.Item item : s.strings("allow-transfer", "an IP address or network like 192.0.2.0/24")) {
            try {
                ranges.add(AddressRange.parse(item.value().trim()));
            } catch (IllegalArgumentException e) {
                problems.add(item.node(), item.path(), "expected an IP address or network like 192.0.2.0/24, got '"
                        + item.value() + "'");
            }
        }
        return ranges;
    }

    private RateLimitConfig rateLimit(YamlSection s) {
        RateLimitConfig d = RateLimitConfig.DEFAULT;
        int rate = s.integer("responses-per-second", d.responsesPerSecond(), 0);
        int slip = s.integer("slip", d.slip(), 0);
        int ipv4 = s.integer("ipv4-prefix", d.ipv4Prefix(), 0);
        int ipv6 = s.integer("ipv6-prefix", d.ipv6Prefix(), 0);
        if (ipv4 > 32) {
            s.error("ipv4-prefix", "expected a prefix length from 0 to 32, got '" + ipv4 + "'");
            ipv4 = d.ipv4Prefix();
        }
        if (ipv6 > 128) {
            s.error("ipv6-prefix", "expected a prefix length from 0 to 128, got '" + ipv6 + "'");
            ipv6 = d.ipv6Prefix();
        }
        return new RateLimitConfig(rate, slip, ipv4, ipv6);
    }

    /** The generated zone: present unless {@code zone: false} says there is none. */
    private Optional<GeneratedZoneConfig> zone(YamlSection dns) {
        GeneratedZoneConfig d = DnsConfig.defaults().zone().orElseThrow();
        Optional<Node> node = dns.value("zone");
        if (node.isPresent() && !(node.get() instanceof MappingNode)) {
            if (!"false".equals(scalarText(node.get()))) {
                dns.error("zone", "expected the generated zone (a mapping with domain, address, address6, ttl), "
                        + "or false for none, got " + YamlSection.describe(node.get()));
            }
            return Optional.empty();
        }
        YamlSection s = dns.section("zone", ZONE_KEYS);
        String domain = domain(s, "domain").orElse(d.domain());
        InetAddress address = ip(s, "address").orElse(d.address());
        if (!(address instanceof Inet4Address)) {
            s.error("address", "expected an IPv4 address for the A records, got '" + AddressRange.format(address)
                    + "' (an IPv6 address goes in address6)");
        }
        Optional<InetAddress> address6 = ip(s, "address6");
        if (address6.isPresent() && !(address6.get() instanceof Inet6Address)) {
            s.error("address6", "expected an IPv6 address for the AAAA records, got '"
                    + AddressRange.format(address6.get()) + "'");
        }
        return Optional.of(new GeneratedZoneConfig(domain, address, address6, s.duration("ttl", d.ttl())));
    }

    private List<ZoneFileConfig> zoneFiles(YamlSection dns) {
        List<ZoneFileConfig> files = new ArrayList<>();
        List<Node> nodes = dns.sequence("zone-files", "a list of zone files (each with origin and file)");
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            String path = dns.path("zone-files") + "[" + i + "]";
            if (!(node instanceof MappingNode)) {
                problems.add(node, path, "expected a zone file (a mapping with origin and file), got "
                        + YamlSection.describe(node));
                continue;
            }
            YamlSection s = YamlSection.of(node, path, ZONE_FILE_KEYS, problems);
            Optional<String> origin = domain(s, "origin");
            Optional<Path> file = s.pathValue("file", baseDir, "a zone file path");
            if (!s.has("origin")) {
                problems.add(node, path, "a zone file needs origin (the zone's name)");
            }
            if (!s.has("file")) {
                problems.add(node, path, "a zone file needs file (the master file's path)");
            }
            file.ifPresent(f -> {
                if (!Files.isRegularFile(f)) {
                    s.error("file", Files.isDirectory(f) ? "expected a file, got a folder: " + f
                            : "file not found: " + f);
                }
            });
            if (origin.isPresent() && file.isPresent()) {
                files.add(new ZoneFileConfig(origin.get(), file.get()));
            }
        }
        return files;
    }

    private Optional<String> domain(YamlSection s, String key) {
        return s.string(key, DOMAIN).flatMap(text -> {
            Optional<String> name = HostNames.normalize(text.endsWith(".") ? text.substring(0, text.length() - 1)
                    : text);
            if (name.isEmpty()) {
                s.error(key, "expected " + DOMAIN + ", got '" + text + "'");
            }
            return name;
        });
    }

    /** An IP literal; never a name, which would make the config depend on a lookup at start. */
    private Optional<InetAddress> ip(YamlSection s, String key) {
        return s.string(key, IP).flatMap(text -> {
            if (!text.contains("/")) {
                try {
                    return Optional.of(AddressRange.parse(text.trim()).network());
                } catch (IllegalArgumentException e) {
                    // reported below
                }
            }
            s.error(key, "expected " + IP + ", got '" + text + "'");
            return Optional.empty();
        });
    }

    private static String scalarText(Node node) {
        return node instanceof org.snakeyaml.engine.v2.nodes.ScalarNode scalar ? scalar.getValue() : "";
    }
}
