package dev.webstack.dns.zone;

import dev.webstack.dns.config.DnsConfig;
import dev.webstack.dns.config.GeneratedZoneConfig;
import dev.webstack.dns.config.ZoneFileConfig;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Builds the zones a config names (the generated one and the master files) into one {@link Zones} snapshot, or
 * reports every problem in all of them. Used at start and on every reload; a failed reload keeps the old snapshot.
 */
public final class ZoneLoader {
    private ZoneLoader() {
    }

    public static Zones load(DnsConfig config) throws ZoneException {
        List<Zone> zones = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Name> origins = new ArrayList<>();
        if (config.zone().isPresent()) {
            GeneratedZoneConfig generated = config.zone().get();
            try {
                Name domain = absolute(generated.domain());
                origins.add(domain);
                zones.add(GeneratedZone.build(domain, generated.address(), generated.address6().orElse(null),
                        generated.ttl(), System.currentTimeMillis() / 1000));
            } catch (TextParseException e) {
                problems.add("dns.zone.domain: " + generated.domain() + ": " + e.getMessage());
            }
        }
        for (ZoneFileConfig file : config.zoneFiles()) {
            Name origin;
            try {
                origin = absolute(file.origin());
            } catch (TextParseException e) {
                problems.add(file.file() + ": origin " + file.origin() + ": " + e.getMessage());
                continue;
            }
            if (origins.contains(origin)) {
                problems.add(file.file() + ": zone " + origin + " is served twice (expected: each zone once)");
                continue;
            }
            origins.add(origin);
            try {
                zones.add(ZoneFile.load(origin, file.file()));
            } catch (ZoneException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ZoneException(problems);
        }
        return new Zones(zones);
    }

    private static Name absolute(String name) throws TextParseException {
        return Name.fromString(name, Name.root);
    }
}
