package dev.webstack.dns.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * The stack's own zone, generated rather than read from a file.
 *
 * @param domain the zone's origin, e.g. {@code foobar.com} (default)
 * @param address the server's IPv4 address: the apex A record and ns1's glue (default 127.0.0.1)
 * @param address6 the server's IPv6 address for AAAA records; none by default
 * @param ttl the TTL of the address records and the www CNAME (default 5m)
 */
public record GeneratedZoneConfig(String domain, InetAddress address, Optional<InetAddress> address6, Duration ttl) {
    public static final String DEFAULT_DOMAIN = "foobar.com";
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
}
