package dev.webstack.stack.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes ({@code 8192}, {@code 64k}, {@code 1m}) and durations ({@code 500ms}, {@code 10s}, {@code 2m}) as the
 * config file writes them: parsed by the loader, and written back the same way by the effective-config writer.
 */
final class Units {
    /** Shown after "expected" when a size is wrong. */
    static final String SIZE = "a size like 8192, 64k or 1m (bytes, or binary k, m, g)";
    /** Shown after "expected" when a size the edge keeps in an int is wrong. */
    static final String INT_SIZE = "a size below 2g like 8192, 64k or 1m (bytes, or binary k, m, g)";
    /** Shown after "expected" when a duration is wrong. */
    static final String DURATION = "a duration > 0 like 500ms, 10s, 2m or 1h";

    private static final Pattern SIZE_PATTERN = Pattern.compile("(\\d+)([kmg]?)");
    private static final Pattern DURATION_PATTERN = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final String[] SIZE_SUFFIXES = {"g", "m", "k"};
    private static final int[] SIZE_SHIFTS = {30, 20, 10};

    private Units() {}

    /** A size in bytes; binary suffixes, case-insensitive (64k = 65536). Empty when malformed or too large. */
    static Optional<Long> parseSize(String text) {
        Matcher m = SIZE_PATTERN.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) {
                return Optional.empty();
            }
            return Optional.of(number << shift);
        } catch (NumberFormatException tooManyDigits) {
            return Optional.empty();
        }
    }

    /** A duration with a unit; empty when malformed, zero or too large. */
    static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION_PATTERN.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            long number = Long.parseLong(m.group(1));
            if (number == 0) {
                return Optional.empty();
            }
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(number);
                case "s" -> Duration.ofSeconds(number);
                case "m" -> Duration.ofMinutes(number);
                default -> Duration.ofHours(number);
            });
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            return Optional.empty();
        }
    }

    /**
     * Writes a size the way a person would: plain bytes below 64k (8192, 16384), else the largest binary unit that
     * divides it exactly (64k, 1m, 8m), so the effective config reads like the documented schema.
     */
    static String formatSize(long bytes) {
        if (bytes >= 64 * 1024) {
            for (int i = 0; i < SIZE_SHIFTS.length; i++) {
                long unit = 1L << SIZE_SHIFTS[i];
                if (bytes % unit == 0) {
                    return (bytes / unit) + SIZE_SUFFIXES[i];
                }
            }
        }
        return Long.toString(bytes);
    }

    /**
     * Writes a duration in a whole unit, moving up to the next unit only past 60 (60s, 2m, 60m, 2h), so the
     * effective config reads like the documented schema.
     */
    static String formatDuration(Duration d) {
        long millis = d.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds <= 60 || seconds % 60 != 0) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes <= 60 || minutes % 60 != 0) {
            return minutes + "m";
        }
        return (minutes / 60) + "h";
    }
}
