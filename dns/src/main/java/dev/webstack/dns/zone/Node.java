package dev.webstack.dns.zone;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * One owner name in a zone and its RRsets, in the order the zone file gave them. A node without RRsets is an
 * empty non-terminal (RFC 4592 section 2.2.2): it exists because a name below it has data, so it answers NODATA,
 * never NXDOMAIN.
 */
public final class Node {
    private final Name name;
    private final Map<Integer, RRset> rrsets = new LinkedHashMap<>(4);

    Node(Name name) {
        this.name = name;
    }

    public Name name() {
        return name;
    }

    /** The RRset of this type, or null. */
    public RRset rrset(int type) {
        return rrsets.get(type);
    }

    public Collection<RRset> rrsets() {
        return rrsets.values();
    }

    public boolean isEmptyNonTerminal() {
        return rrsets.isEmpty();
    }

    public boolean isDelegation() {
        return rrsets.containsKey(Type.NS);
    }

    void add(Record record) {
        rrsets.computeIfAbsent(record.getRRsetType(), t -> new RRset()).addRR(record);
    }
}
