package dev.webstack.dns.zone;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Collects a zone's records, each with the place it came from, and checks the zone whole before it may be served:
 * every record inside the origin and of class IN, exactly one SOA at the apex, NS at the apex, a CNAME alone at its
 * name (RFC 1034 section 3.6.2) and naming a host, never an address. Every problem is reported, not just the first.
 */
public final class ZoneBuilder {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final Name origin;
    private final String source;
    private final Map<Name, Node> nodes = new HashMap<>();
    private final Map<Name, String> cnamePlaces = new HashMap<>();
    private final Map<Name, String> dataPlaces = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private boolean incomplete;

    public ZoneBuilder(Name origin, String source) {
        this.origin = origin;
        this.source = source;
    }

    /** Adds a record read at {@code place} ("file:line"). */
    public void add(Record record, String place) {
        Name owner = record.getName();
        if (!owner.subdomain(origin)) {
            problems.add(place + ": " + owner + " is outside the zone's origin (expected: a name at or below "
                    + origin + ")");
            return;
        }
        if (record.getDClass() != DClass.IN) {
            problems.add(place + ": " + owner + " has class " + DClass.string(record.getDClass())
                    + " (expected: IN)");
            return;
        }
        int type = record.getType();
        if (type == Type.RRSIG || type == Type.NSEC || type == Type.NSEC3 || type == Type.NSEC3PARAM) {
            problems.add(place + ": " + Type.string(type) + " at " + owner + ": signed zones are not supported "
                    + "(expected: an unsigned zone)");
            return;
        }
        if (type == Type.DNAME) {
            // Not answered yet: refused rather than served as plain data, which would answer wrongly below it.
            problems.add(place + ": DNAME at " + owner + " is not supported (expected: CNAME records instead)");
            return;
        }
        if (type == Type.SOA && !owner.equals(origin)) {
            problems.add(place + ": SOA at " + owner + " (expected: only at the origin " + origin + ")");
            return;
        }
        if (type == Type.CNAME) {
            Name target = ((CNAMERecord) record).getTarget();
            if (looksLikeAddress(target)) {
                problems.add(place + ": " + relative(owner) + " CNAME " + relative(target)
                        + " (expected: a host name, not an address)");
                return;
            }
            String earlier = cnamePlaces.putIfAbsent(owner, place);
            if (earlier != null) {
                problems.add(place + ": a second CNAME at " + owner + ", the first at " + earlier
                        + " (expected: one CNAME per name)");
                return;
            }
            String data = dataPlaces.get(owner);
            if (data != null) {
                problems.add(place + ": CNAME at " + owner + " beside other data at " + data
                        + " (expected: a CNAME alone at its name)");
                return;
            }
        } else {
            dataPlaces.putIfAbsent(owner, place);
            String cname = cnamePlaces.get(owner);
            if (cname != null) {
                problems.add(place + ": " + Type.string(type) + " at " + owner + " beside the CNAME at " + cname
                        + " (expected: a CNAME alone at its name)");
                return;
            }
        }
        if (type == Type.SOA && nodes.containsKey(owner) && nodes.get(owner).rrset(Type.SOA) != null) {
            problems.add(place + ": a second SOA (expected: exactly one, at " + origin + ")");
            return;
        }
        node(owner).add(record);
        // Every name between the owner and the origin exists, with or without data (RFC 4592 section 2.2.2).
        for (Name name = parent(owner); name != null; name = parent(name)) {
            node(name);
        }
    }

    /**
     * Records a problem found outside the builder (a syntax error, after which the file was not read on), to be
     * reported with the others; the zone-wide checks are then skipped, since the zone was not read whole.
     */
    public void problem(String message) {
        problems.add(message);
        incomplete = true;
    }

    /** The zone, or every problem found in it. */
    public Zone build() throws ZoneException {
        List<String> all = new ArrayList<>(problems);
        Node apex = nodes.get(origin);
        if (incomplete) {
            // the zone was not read to its end: whether it has an SOA and NS is unknown
        } else if (apex == null || apex.rrset(Type.SOA) == null) {
            all.add(source + ": zone " + origin + " has no SOA record (expected: one at " + origin + ")");
        } else if (apex.rrset(Type.NS) == null) {
            all.add(source + ": zone " + origin + " has no NS records at its apex (expected: at least one)");
        }
        if (!all.isEmpty()) {
            throw new ZoneException(all);
        }
        return new Zone(origin, Map.copyOf(nodes), source);
    }

    private Node node(Name name) {
        return nodes.computeIfAbsent(name, Node::new);
    }

    private Name parent(Name name) {
        return name.equals(origin) ? null : new Name(name, 1);
    }

    private String relative(Name name) {
        return name.subdomain(origin) && !name.equals(origin) ? name.relativize(origin).toString() : name.toString();
    }

    /**
     * A CNAME written with an address as its target parses as a name: "192.0.2.1" relative to the origin, or an
     * IPv6 literal as one label with colons. Both are mistakes, not host names.
     */
    private boolean looksLikeAddress(Name target) {
        String text = target.toString(true);
        if (IPV4.matcher(text).matches()) {
            return true;
        }
        if (target.subdomain(origin) && !target.equals(origin)) {
            String relativeText = target.relativize(origin).toString();
            if (IPV4.matcher(relativeText).matches()) {
                return true;
            }
        }
        return IPV6.matcher(target.getLabelString(0)).matches();
    }
}
