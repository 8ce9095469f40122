package dev.webstack.dns.query;

import dev.webstack.dns.zone.Zones;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.Name;

/**
 * Finished answers to simple queries, as bytes, for one zone snapshot: a reload brings a new snapshot and so an
 * empty cache, and an answer can never outlive the zones it came from. Bounded in entries and bytes: when full it
 * takes no more (the names asked first, the popular ones, stay), so a flood of distinct names costs the general
 * path, never memory. Answers above {@link #MAX_ANSWER} bytes (big TCP answers) are not kept.
 */
final class AnswerCache {
    static final int MAX_ENTRIES = 50_000;
    static final long MAX_BYTES = 16L << 20;
    static final int MAX_ANSWER = 4096;

    /**
     * An answer's bytes, with what response-rate limiting needs to know of it.
     *
     * @param rateLimitName the name answers are counted under (the zone's for NXDOMAIN); null for errors
     * @param edns whether the answer carries an OPT record
     */
    record Entry(byte[] wire, int rcode, Name rateLimitName, int type, boolean edns) {
    }

    private final Zones zones;
    private final ConcurrentHashMap<SimpleQuery.Key, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

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
        int size = entry.wire().length;
        if (size > MAX_ANSWER || entries.size() >= MAX_ENTRIES || bytes.get() + size > MAX_BYTES) {
            return;
        }
        if (entries.putIfAbsent(key, entry) == null) {
            bytes.addAndGet(size);
        }
    }
}
