package dev.webstack.dns.zone;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/** The set of zones served, immutable: one snapshot, swapped whole on reload. Finds the zone that holds a name. */
public final class Zones {
    private final Map<Name, Zone> byOrigin = new HashMap<>();
    private final int maxLabels;

    public Zones(List<Zone> zones) {
        int labels = 0;
        for (Zone zone : zones) {
            if (byOrigin.put(zone.origin(), zone) != null) {
                throw new IllegalArgumentException("zone " + zone.origin() + " given twice");
            }
            labels = Math.max(labels, zone.origin().labels());
        }
        this.maxLabels = labels;
    }

    /** The zone with the longest origin that {@code name} is at or below, or null: the name is not ours. */
    public Zone find(Name name) {
        for (int strip = Math.max(0, name.labels() - maxLabels); strip < name.labels(); strip++) {
            Zone zone = byOrigin.get(strip == 0 ? name : new Name(name, strip));
            if (zone != null) {
                return zone;
            }
        }
        return null;
    }

    public Collection<Zone> all() {
        return byOrigin.values();
    }
}
