package dev.webstack.dns.zone;

import java.util.Collection;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One authoritative zone, immutable once built by {@link ZoneBuilder}: its nodes by owner name (empty non-terminals
 * included), the SOA and the apex NS RRset. Names compare case-insensitively, as dnsjava's {@link Name} does.
 */
public final class Zone {
    private final Name origin;
    private final Map<Name, Node> nodes;
    private final String source;
    private final RRset negativeSoa;

    Zone(Name origin, Map<Name, Node> nodes, String source) {
        this.origin = origin;
        this.nodes = nodes;
        this.source = source;
        SOARecord soa = (SOARecord) soa().first();
        long ttl = Math.min(soa.getTTL(), soa.getMinimum());
        this.negativeSoa = ttl == soa.getTTL() ? soa() : new RRset(new SOARecord(soa.getName(), soa.getDClass(), ttl,
                soa.getHost(), soa.getAdmin(), soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(),
                soa.getMinimum()));
    }

    public Name origin() {
        return origin;
    }

    /** Where the zone came from: a file path, or "generated". */
    public String source() {
        return source;
    }

    public Node node(Name name) {
        return nodes.get(name);
    }

    public Node apex() {
        return nodes.get(origin);
    }

    public RRset soa() {
        return apex().rrset(Type.SOA);
    }

    /**
     * The SOA as negative answers carry it: with the TTL they may be cached for, the lesser of its TTL and its
     * MINIMUM field (RFC 2308 section 3).
     */
    public RRset negativeSoa() {
        return negativeSoa;
    }

    public long serial() {
        return ((SOARecord) soa().first()).getSerial();
    }

    public RRset nameServers() {
        return apex().rrset(Type.NS);
    }

    public Collection<Node> nodes() {
        return nodes.values();
    }

    /**
     * The highest delegation point (a name below the apex with an NS RRset) at or above {@code name}, or null when
     * the zone is authoritative for the name.
     */
    public Node cut(Name name) {
        int below = name.labels() - origin.labels();
        for (int strip = below - 1; strip >= 0; strip--) {
            Node node = nodes.get(strip == 0 ? name : new Name(name, strip));
            if (node != null && node.isDelegation()) {
                return node;
            }
        }
        return null;
    }

    public int size() {
        return nodes.size();
    }

    @Override
    public String toString() {
        return origin + " (serial " + serial() + ", " + source + ")";
    }
}
