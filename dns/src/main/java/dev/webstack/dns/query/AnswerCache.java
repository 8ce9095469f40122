package dev.webstack.dns.query;

import dev.webstack.dns.zone.Zones;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Name;

/**
 * Finished answers to simple queries, as bytes, for one zone snapshot: a reload brings a new snapshot and so an
 * empty cache, and an answer can never outlive the zones it came from. Bounded: when full it starts again empty,
 * so a flood of distinct names costs a slower path, never memory.
 */
final class AnswerCache {
    static final int MAX_ENTRIES = 50_000;

    /**
     * An answer's bytes, with what response-rate limiting needs to know of it.
     *
     * @param rateLimitName the name answers are counted under (the zone's for NXDOMAIN); null for errors
     */
    record Entry(byte[] wire, int rcode, Name rateLimitName, int type) {
    }

    private final Zones zones;
    private final ConcurrentHashMap<SimpleQuery.Key, Entry> entries = new ConcurrentHashMap<>();

    AnswerCache(Zones zones) {
        this.zones = zones;
    }

    Zones zones() {
        return zones;
    }

    Entry get(SimpleQuery.Key key) {
        return entries.get(key);
    }

    void put(SimpleQuery.Key key, Entry entry) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key, entry);
    }

    int size() {
        return entries.size();
    }
}
