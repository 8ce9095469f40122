package dev.webstack.dns.zone;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;

/**
 * The stack's own zone, made from the config's domain and the server's addresses: SOA, NS {@code ns1.<domain>}
 * with its glue, the apex A (and AAAA), and {@code www} as a CNAME to the apex.
 */
public final class GeneratedZone {
    private static final long SOA_TTL = 3600;
    private static final long REFRESH = 3600;
    private static final long RETRY = 900;
    private static final long EXPIRE = 1_209_600;
    private static final long NEGATIVE_TTL = 300;

    private GeneratedZone() {
    }

    /**
     * @param serial the SOA serial: the build time in Unix seconds, so every new build of the zone counts up
     * @param ttl the TTL of the address records, short so a changed address spreads fast
     */
    public static Zone build(Name domain, InetAddress address, InetAddress address6, Duration ttl, long serial)
            throws ZoneException {
        if (!(address instanceof Inet4Address) || (address6 != null && !(address6 instanceof Inet6Address))) {
            throw new IllegalArgumentException("address must be IPv4 and address6 IPv6");
        }
        long seconds = ttl.toSeconds();
        Name ns1 = name("ns1", domain);
        ZoneBuilder zone = new ZoneBuilder(domain, "generated");
        zone.add(new SOARecord(domain, DClass.IN, SOA_TTL, ns1, name("hostmaster", domain), serial, REFRESH, RETRY,
                EXPIRE, NEGATIVE_TTL), "generated");
        zone.add(new NSRecord(domain, DClass.IN, SOA_TTL, ns1), "generated");
        for (Name host : new Name[] {domain, ns1}) {
            zone.add(new ARecord(host, DClass.IN, seconds, address), "generated");
            if (address6 != null) {
                zone.add(new AAAARecord(host, DClass.IN, seconds, address6), "generated");
            }
        }
        zone.add(new CNAMERecord(name("www", domain), DClass.IN, seconds, domain), "generated");
        return zone.build();
    }

    private static Name name(String label, Name domain) {
        try {
            return Name.concatenate(Name.fromString(label), domain);
        } catch (Exception e) {
            throw new IllegalArgumentException(label + "." + domain + " is too long", e);
        }
    }
}
