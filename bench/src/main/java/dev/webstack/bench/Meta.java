package dev.webstack.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What bench/run knows about the run as a whole (date, mode, machine, versions, ...), read from {@code key<TAB>value}
 * lines, and the file names of the suites' detailed reports ({@code detail} keys, which may repeat).
 */
record Meta(Map<String, String> values, List<String> details) {
    /** The known keys with their labels, in the order the report lists them; other keys follow in file order. */
    static final List<Map.Entry<String, String>> KNOWN = List.of(
            Map.entry("date", "Date"),
            Map.entry("mode", "Mode"),
            Map.entry("machine", "Machine"),
            Map.entry("memory", "Memory"),
            Map.entry("peers", "Peers"),
            Map.entry("load", "Load tools"),
            Map.entry("java", "Java"),
            Map.entry("webstack", "webstack"),
            Map.entry("method", "Method"),
            Map.entry("took", "Took"));
    static final Meta EMPTY = new Meta(Map.of(), List.of());

    /** Parses the lines of {@code file}; blank lines are skipped. A key other than {@code detail} may appear once. */
    static Meta parse(Path file, List<String> lines) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> details = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replace("\uFEFF", "");
            if (line.isBlank()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab <= 0) {
                throw new InputException(file, i + 1, InputException.quote(line) + " (expected: key<TAB>value)");
            }
            String key = line.substring(0, tab).strip();
            String value = line.substring(tab + 1).strip();
            if (!key.equals("detail")) {
                if (values.putIfAbsent(key, value) != null) {
                    throw new InputException(file, i + 1, key + ": given twice (expected: once)");
                }
            } else if (value.isEmpty()) {
                throw new InputException(file, i + 1, "detail: empty (expected: a report's file name)");
            } else {
                details.add(value);
            }
        }
        return new Meta(values, List.copyOf(details));
    }

    Optional<String> value(String key) {
        return Optional.ofNullable(values.get(key)).filter(value -> !value.isEmpty());
    }

    /** "Label: value" for the known keys present, in their order, then "key: value" for the others. */
    List<String> bullets() {
        List<String> bullets = new ArrayList<>();
        for (Map.Entry<String, String> known : KNOWN) {
            value(known.getKey()).ifPresent(value -> bullets.add(known.getValue() + ": " + value));
        }
        values.forEach((key, value) -> {
            if (KNOWN.stream().noneMatch(known -> known.getKey().equals(key))) {
                bullets.add(key + ": " + value);
            }
        });
        return bullets;
    }
}
