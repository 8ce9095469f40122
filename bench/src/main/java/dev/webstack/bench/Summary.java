package dev.webstack.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The summary bench/run writes: a fixed header line, then one {@link Comparison} per tab-separated line. */
record Summary(List<Comparison> rows) {
    static final List<String> COLUMNS = List.of("suite", "scenario", "metric", "webstack", "peer", "peer_value",
            "webstack_p99_ms", "peer_p99_ms", "webstack_spread_pct", "peer_spread_pct", "rounds", "note");
    static final String HEADER = String.join("\t", COLUMNS);
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("\\d+(\\.\\d+)?");

    /** Parses the lines of {@code file}; empty lines are skipped, anything else off the format throws. */
    static Summary parse(Path file, List<String> lines) {
        String header = lines.isEmpty() ? "" : lines.get(0).replace("\uFEFF", "");
        if (!header.equals(HEADER)) {
            throw new InputException(file, 1, "header " + InputException.quote(header)
                    + " (expected: " + InputException.quote(HEADER) + ")");
        }
        List<Comparison> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (!lines.get(i).isEmpty()) {
                rows.add(new Line(file, i + 1, lines.get(i).split("\t", -1)).comparison());
            }
        }
        return new Summary(List.copyOf(rows));
    }

    /** The row with the lowest ratio (the first of equals); empty when no row has a ratio. */
    Optional<Comparison> furthestBehind() {
        return rows.stream().filter(row -> row.ratio() != null).min(Comparator.comparingDouble(Comparison::ratio));
    }

    /** One line's fields, with the place to name in an error. */
    private record Line(Path file, int number, String[] fields) {
        Comparison comparison() {
            if (fields.length != COLUMNS.size()) {
                throw new InputException(file, number,
                        fields.length + " fields (expected: " + COLUMNS.size() + ", separated by tabs)");
            }
            return new Comparison(required(0), required(1), required(2), number(3), required(4), number(5),
                    number(6), number(7), number(8), number(9), fields[10].strip(), fields[11].strip());
        }

        private String required(int column) {
            String text = fields[column].strip();
            if (text.isEmpty()) {
                throw new InputException(file, number, COLUMNS.get(column) + ": empty (expected: some text)");
            }
            return text;
        }

        /** A plain decimal such as 2.31, or null when empty (not measured). */
        private Double number(int column) {
            String text = fields[column].strip();
            if (text.isEmpty()) {
                return null;
            }
            if (!PLAIN_DECIMAL.matcher(text).matches()) {
                throw new InputException(file, number, COLUMNS.get(column) + ": " + InputException.quote(text)
                        + " (expected: a plain decimal number like 2.31, or nothing when not measured)");
            }
            return Double.valueOf(text);
        }
    }
}
