package dev.webstack.site.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How pages show a moment: "27 Nov 2026" for people, ISO-8601 for the datetime attribute. All in UTC. */
public final class Dates {

    private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private Dates() {
    }

    public static String human(Instant instant) {
        return HUMAN.format(instant);
    }

    public static String iso(Instant instant) {
        return instant.toString();
    }
}
