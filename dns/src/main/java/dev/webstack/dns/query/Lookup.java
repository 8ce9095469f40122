package dev.webstack.dns.query;

import dev.webstack.dns.zone.Node;
import dev.webstack.dns.zone.Zone;
import dev.webstack.dns.zone.Zones;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The authoritative lookup of RFC 1034 section 4.3.2, with wildcards as RFC 4592 has them, giving the answers NSD
 * gives for the same zone:
 *
 * <ul>
 *   <li>a delegation above the name gives a referral (AA clear), the cut's NS in authority, glue in additional;
 *   <li>an existing name (an empty non-terminal included) gives its RRset, a CNAME to follow (across the zones
 *       served, the rcode coming from the last name), or NODATA;
 *   <li>a missing name is matched against the wildcard at its closest encloser, or is NXDOMAIN;
 *   <li>negative answers carry the zone's SOA in authority; positive ones the zone's NS, optionally;
 *   <li>the additional section holds the addresses of the hosts named by NS, MX and SRV records in the same
 *       zone: every A RRset first, then every AAAA, none repeated.
 * </ul>
 */
public final class Lookup {
    /** Longest CNAME chain followed; a longer one stops there, as a loop does. */
    static final int MAX_CHAIN = 16;

    private final Zones zones;
    private final int qtype;
    private final boolean anyClass;
    private final Answer answer = new Answer();

    private Lookup(Zones zones, int qtype, boolean anyClass) {
        this.zones = zones;
        this.qtype = qtype;
        this.anyClass = anyClass;
    }

    /**
     * @param zone the zone that holds {@code qname}
     * @param anyClass the question was for class ANY: not authoritative, and no SOA or NS added to authority
     */
    public static Answer answer(Zones zones, Zone zone, Name qname, int qtype, boolean anyClass) {
        Lookup lookup = new Lookup(zones, qtype, anyClass);
        lookup.resolve(zone, qname);
        if (anyClass) {
            lookup.answer.authoritative = false;
        }
        return lookup.answer;
    }

    private void resolve(Zone zone, Name qname) {
        Name name = qname;
        answer.rateLimitName = qname;
        for (int step = 0; ; step++) {
            Node cut = zone.cut(name);
            if (cut != null && !(qtype == Type.DS && cut.name().equals(name))) {
                if (step == 0) {
                    answer.rateLimitName = cut.name();
                }
                referral(zone, cut, step == 0);
                return;
            }
            Node node = zone.node(name);
            boolean synthesized = false;
            if (node == null) {
                node = wildcard(zone, name);
                if (node == null) {
                    answer.rcode = Rcode.NXDOMAIN;
                    answer.rateLimitName = zone.origin();
                    negative(zone);
                    return;
                }
                if (step == 0) {
                    answer.rateLimitName = node.name();
                }
                synthesized = true;
            }
            RRset data = qtype == Type.ANY ? any(node) : node.rrset(qtype);
            if (data != null) {
                answer.answer.add(synthesized ? withOwner(data, name) : data);
                positive(zone);
                return;
            }
            RRset cname = node.rrset(Type.CNAME);
            if (cname == null) {
                negative(zone);
                return;
            }
            answer.answer.add(synthesized ? withOwner(cname, name) : cname);
            Name target = ((CNAMERecord) cname.first()).getTarget();
            if (step + 1 >= MAX_CHAIN || inAnswer(target)) {
                return; // a loop, or too long a chain: the records so far, and nothing more
            }
            Zone next = target.subdomain(zone.origin()) ? zone : zones.find(target);
            if (next == null) {
                return; // the target is not ours: the resolver goes on from the CNAME alone
            }
            zone = next;
            name = target;
        }
    }

    /** Not authoritative below a cut: the child zone's NS in authority, their addresses from this zone as glue. */
    private void referral(Zone zone, Node cut, boolean first) {
        if (first) {
            answer.authoritative = false;
        }
        RRset ns = cut.rrset(Type.NS);
        answer.authority.add(ns);
        additional(zone, List.of(ns));
    }

    private void negative(Zone zone) {
        if (!anyClass) {
            answer.authority.add(zone.negativeSoa());
        }
    }

    /** The zone's NS beside the data, unless already there, or the question is one NSD answers without them. */
    private void positive(Zone zone) {
        RRset ns = zone.nameServers();
        List<RRset> named = new ArrayList<>(answer.answer);
        if (!anyClass && qtype != Type.ANY && qtype != Type.DS && qtype != Type.DNSKEY && !answer.answer.contains(ns)) {
            answer.authority.add(ns);
            answer.authorityOptional = true;
            named.add(ns);
        }
        additional(zone, named);
    }

    /** RFC 4592 section 3.3.1: the closest encloser's "*" child answers for a name that does not exist. */
    private static Node wildcard(Zone zone, Name name) {
        for (int strip = 1; strip < name.labels(); strip++) {
            Name ancestor = new Name(name, strip);
            if (zone.node(ancestor) != null) {
                try {
                    return zone.node(Name.concatenate(Name.fromConstantString("*"), ancestor));
                } catch (NameTooLongException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * RFC 8482 section 4.2: ANY gets one RRset, not all. Which one follows NSD: the first of A, AAAA, SOA, MX or
     * PTR in zone-file order; else the last RRset of another type.
     */
    private static RRset any(Node node) {
        RRset last = null;
        for (RRset rrset : node.rrsets()) {
            switch (rrset.getType()) {
                case Type.A, Type.AAAA, Type.SOA, Type.MX, Type.PTR -> {
                    return rrset;
                }
                default -> last = rrset;
            }
        }
        return last;
    }

    /** The addresses of the hosts that the NS, MX and SRV records in {@code named} name, when this zone has them. */
    private void additional(Zone zone, List<RRset> named) {
        List<Name> hosts = new ArrayList<>();
        List<Boolean> glue = new ArrayList<>();
        for (RRset rrset : named) {
            int type = rrset.getType();
            if (type != Type.NS && type != Type.MX && type != Type.SRV) {
                continue;
            }
            for (Record record : rrset.rrs(false)) {
                hosts.add(record.getAdditionalName());
                glue.add(type == Type.NS);
            }
        }
        for (int addressType : new int[] {Type.A, Type.AAAA}) {
            for (int i = 0; i < hosts.size(); i++) {
                RRset address = address(zone, hosts.get(i), addressType, glue.get(i));
                if (address != null && !contains(answer.answer, address) && !contains(answer.additional, address)) {
                    answer.additional.add(address);
                }
            }
        }
    }

    /**
     * The host's addresses of one type: from its own node, or synthesized from a wildcard; below a cut only as
     * glue for NS records; never through a CNAME.
     */
    private static RRset address(Zone zone, Name host, int type, boolean glue) {
        if (!host.subdomain(zone.origin())) {
            return null;
        }
        Node node = zone.node(host);
        if (zone.cut(host) != null) {
            return glue && node != null ? node.rrset(type) : null;
        }
        if (node != null) {
            return node.rrset(type);
        }
        Node wildcard = wildcard(zone, host);
        RRset data = wildcard == null ? null : wildcard.rrset(type);
        return data == null ? null : withOwner(data, host);
    }

    private static boolean contains(List<RRset> section, RRset rrset) {
        for (RRset present : section) {
            if (present.getType() == rrset.getType() && present.getName().equals(rrset.getName())) {
                return true;
            }
        }
        return false;
    }

    private boolean inAnswer(Name name) {
        for (RRset rrset : answer.answer) {
            if (rrset.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static RRset withOwner(RRset rrset, Name owner) {
        RRset copy = new RRset();
        for (Record record : rrset.rrs(false)) {
            copy.addRR(record.withName(owner));
        }
        return copy;
    }
}
