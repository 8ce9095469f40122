package dev.webstack.stack;

import dev.webstack.dns.config.DnsConfig;
import dev.webstack.dns.server.DnsServer;
import dev.webstack.dns.zone.Zone;
import dev.webstack.dns.zone.ZoneLoader;
import dev.webstack.dns.zone.Zones;
import dev.webstack.stack.config.StackConfig;
import java.util.stream.Collectors;

/**
 * The DNS server as a tier of the stack. Its zones are built and checked before any tier starts; a reload builds
 * them again from the re-read config and swaps them in only when every zone is good.
 */
final class DnsTier implements Tier {
    private final StackConfig config;
    private Zones zones;
    private DnsServer server;

    DnsTier(StackConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "dns";
    }

    @Override
    public void check() throws Exception {
        zones = ZoneLoader.load(config.dns());
    }

    @Override
    public void start() throws Exception {
        server = new DnsServer(config.dns(), zones);
        server.start();
    }

    @Override
    public String ready() {
        return server.describe() + ", " + describe(server.zones());
    }

    @Override
    public String reload(StackConfig next) throws Exception {
        Zones loaded = ZoneLoader.load(next.dns());
        server.reload(loaded);
        DnsConfig now = config.dns();
        DnsConfig asked = next.dns();
        boolean otherChanges = !now.listen().equals(asked.listen()) || now.workers() != asked.workers()
                || now.udpSize() != asked.udpSize() || !now.tcpIdleTimeout().equals(asked.tcpIdleTimeout())
                || now.maxTcpConnections() != asked.maxTcpConnections()
                || !now.allowTransfer().equals(asked.allowTransfer()) || !now.rateLimit().equals(asked.rateLimit())
                || now.enabled() != asked.enabled();
        return "reloaded " + describe(loaded)
                + (otherChanges ? "; other dns settings changed: they take effect at the next up" : "");
    }

    DnsServer server() {
        return server;
    }

    private static String describe(Zones zones) {
        return zones.all().size() + (zones.all().size() == 1 ? " zone (" : " zones (")
                + zones.all().stream().map(Zone::origin).map(Object::toString).sorted()
                        .collect(Collectors.joining(", ")) + ")";
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
