package dev.webstack.dns.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The DNS server's listening and protocol settings; the zones it serves come separately, since they are reloaded
 * while it runs.
 *
 * @param listen the address and port for both UDP and TCP (default 127.0.0.1:5353)
 * @param workers event-loop threads, 0 for one per core
 * @param udpSize the largest UDP answer, advertised in the OPT record (default 1232, the DNS flag day figure)
 * @param tcpIdleTimeout how long a TCP connection may sit without a complete query before it is closed
 * @param maxTcpConnections TCP connections open at once; more are closed at accept
 * @param allowTransfer clients that may have AXFR and IXFR; empty refuses every transfer
 * @param rateLimit response-rate limiting for UDP
 * @param zone the generated zone of the stack's own domain; empty for none
 * @param zoneFiles zones read from master files
 */
public record DnsConfig(
        boolean enabled,
        InetSocketAddress listen,
        int workers,
        int udpSize,
        Duration tcpIdleTimeout,
        int maxTcpConnections,
        List<AddressRange> allowTransfer,
        RateLimitConfig rateLimit,
        Optional<GeneratedZoneConfig> zone,
        List<ZoneFileConfig> zoneFiles) {
    public static final int DEFAULT_PORT = 5353;
    public static final int DEFAULT_UDP_SIZE = 1232;
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_TCP_CONNECTIONS = 1000;

    public DnsConfig {
        allowTransfer = List.copyOf(allowTransfer);
        zoneFiles = List.copyOf(zoneFiles);
    }

    /** Defaults on the given address, for tests and embedding. */
    public static DnsConfig listeningOn(InetSocketAddress listen) {
        return new DnsConfig(true, listen, 1, DEFAULT_UDP_SIZE, DEFAULT_TCP_IDLE_TIMEOUT,
                DEFAULT_MAX_TCP_CONNECTIONS, List.of(), RateLimitConfig.OFF, Optional.empty(), List.of());
    }

    public DnsConfig withRateLimit(RateLimitConfig limit) {
        return new DnsConfig(enabled, listen, workers, udpSize, tcpIdleTimeout, maxTcpConnections, allowTransfer, limit,
                zone, zoneFiles);
    }

    public DnsConfig withAllowTransfer(List<AddressRange> ranges) {
        return new DnsConfig(enabled, listen, workers, udpSize, tcpIdleTimeout, maxTcpConnections, ranges, rateLimit,
                zone, zoneFiles);
    }

    public DnsConfig withTcp(Duration idleTimeout, int maxConnections) {
        return new DnsConfig(enabled, listen, workers, udpSize, idleTimeout, maxConnections, allowTransfer, rateLimit,
                zone, zoneFiles);
    }

    /** The stack's defaults: 127.0.0.1:5353, the foobar.com zone pointing at 127.0.0.1, limits as NSD's. */
    public static DnsConfig defaults() {
        return new DnsConfig(true, new InetSocketAddress("127.0.0.1", DEFAULT_PORT), 0, DEFAULT_UDP_SIZE,
                DEFAULT_TCP_IDLE_TIMEOUT, DEFAULT_MAX_TCP_CONNECTIONS, List.of(), RateLimitConfig.DEFAULT,
                Optional.of(new GeneratedZoneConfig(GeneratedZoneConfig.DEFAULT_DOMAIN,
                        InetAddress.getLoopbackAddress(), Optional.empty(), GeneratedZoneConfig.DEFAULT_TTL)),
                List.of());
    }

    public boolean isTransferAllowed(InetAddress client) {
        for (AddressRange range : allowTransfer) {
            if (range.contains(client)) {
                return true;
            }
        }
        return false;
    }
}
