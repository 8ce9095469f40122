package dev.webstack.stack.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One YAML mapping of the config file being bound to a record: its keys are checked against the schema on the
 * way in (unknown and duplicate keys are reported), and each typed getter reports a wrong value and returns the
 * default, so that binding goes on and every problem in the file is found.
 *
 * <p>A key with no value ({@code port:}) or {@code null} counts as absent and takes its default. Values are read
 * from the scalar's text, not from YAML's type guess, so {@code index: 404} is the file name "404".
 */
final class YamlSection {
    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

    private final Problems problems;
    private final String path;
    private final Node node;
    private final Map<String, Node> values = new LinkedHashMap<>();

    private YamlSection(Problems problems, String path, Node node) {
        this.problems = problems;
        this.path = path;
        this.node = node;
    }

    /**
     * Reads {@code node} as a mapping with the given keys. A null or absent node is an empty section; anything
     * else that is not a mapping is reported and also read as empty.
     */
    static YamlSection of(Node node, String path, List<String> keys, Problems problems) {
        YamlSection section = new YamlSection(problems, path, node);
        if (node == null || isNull(node)) {
            return section;
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.add(node, path, "expected a mapping, got " + describe(node));
            return section;
        }
        Map<String, Node> seen = new LinkedHashMap<>();
        for (NodeTuple entry : mapping.getValue()) {
            Node keyNode = entry.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                problems.add(keyNode, path, "expected a key name, got " + describe(keyNode));
                continue;
            }
            String key = scalarKey.getValue();
            Node first = seen.putIfAbsent(key, keyNode);
            if (first != null) {
                problems.add(keyNode, path, "duplicate key '" + key + "' (first at line " + Problems.line(first) + ")");
            } else if (!keys.contains(key)) {
                problems.add(keyNode, path, "unknown key '" + key + "'" + didYouMean(key, keys));
            } else if (!isNull(entry.getValueNode())) {
                section.values.put(key, entry.getValueNode());
            }
        }
        return section;
    }

    /** The mapping itself, for problems with the section as a whole; null when the section was not written. */
    Node node() {
        return node;
    }

    String path() {
        return path;
    }

    /** The key path of one of this section's keys: {@code edge.http} + {@code port} is {@code edge.http.port}. */
    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    Optional<Node> value(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Reports a problem at the value of {@code key}, which must be present. */
    void error(String key, String message) {
        problems.add(values.get(key), path(key), message);
    }

    Problems problems() {
        return problems;
    }

    YamlSection section(String key, List<String> keys) {
        return of(values.get(key), path(key), keys, problems);
    }

    boolean bool(String key, boolean fallback) {
        return scalar(key, "true or false").flatMap(text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> fail(key, "true or false", text);
        }).orElse(fallback);
    }

    /** A non-negative or positive count that must fit an int: {@code integer("workers", 0, 0)}. */
    int integer(String key, int fallback, int min) {
        String tooLarge = "an integer from " + min + " to " + Integer.MAX_VALUE;
        return ranged(key, fallback, min, Integer.MAX_VALUE, "an integer >= " + min, tooLarge);
    }

    int port(String key, int fallback) {
        return ranged(key, fallback, 0, 65535, "a port 0..65535", "a port 0..65535");
    }

    private int ranged(String key, int fallback, long min, long max, String expected, String expectedIfTooLarge) {
        return scalar(key, expected).flatMap(text -> {
            long number;
            try {
                number = Long.parseLong(text.trim());
            } catch (NumberFormatException notAnInteger) {
                return fail(key, expected, text);
            }
            if (number < min) {
                return fail(key, expected, text);
            }
            return number > max ? fail(key, expectedIfTooLarge, text) : Optional.of((int) number);
        }).orElse(fallback);
    }

    /** A size that must fit an int, for limits the edge keeps in int fields. */
    int intSize(String key, int fallback) {
        return (int) size(key, fallback, Integer.MAX_VALUE, Units.INT_SIZE);
    }

    /** A size that must fit an int and be at least {@code min} (a request line of 0 bytes fits no request). */
    int intSize(String key, int fallback, int min) {
        String expected = "a size from " + min + " bytes to below 2g, like 8192, 64k or 1m (bytes, or binary k, m, g)";
        long size = scalar(key, expected)
                .flatMap(text -> Units.parseSize(text)
                        .filter(n -> n >= min && n <= Integer.MAX_VALUE)
                        .or(() -> fail(key, expected, text)))
                .orElse((long) fallback);
        return (int) size;
    }

    long size(String key, long fallback) {
        return size(key, fallback, Long.MAX_VALUE, Units.SIZE);
    }

    private long size(String key, long fallback, long max, String expected) {
        return scalar(key, expected)
                .flatMap(text -> Units.parseSize(text).filter(n -> n <= max).or(() -> fail(key, expected, text)))
                .orElse(fallback);
    }

    Duration duration(String key, Duration fallback) {
        return scalar(key, Units.DURATION)
                .flatMap(text -> Units.parseDuration(text).or(() -> fail(key, Units.DURATION, text)))
                .orElse(fallback);
    }

    /** A non-blank string; {@code expected} says what it should be ("a host name"). */
    Optional<String> string(String key, String expected) {
        return scalar(key, expected).flatMap(text -> text.isBlank() ? fail(key, expected, text) : Optional.of(text));
    }

    /** A path, resolved against {@code baseDir} (the config file's folder) and normalized. */
    Optional<Path> pathValue(String key, Path baseDir, String expected) {
        return string(key, expected).flatMap(text -> {
            try {
                return Optional.of(baseDir.resolve(text).normalize());
            } catch (InvalidPathException e) {
                return fail(key, expected, text);
            }
        });
    }

    /**
     * A list of strings, or one string standing for a list of one (as in {@code hosts: foobar.com}). Items that
     * are not strings are reported and left out.
     */
    List<Item> strings(String key, String expected) {
        List<Item> items = new ArrayList<>();
        Node value = values.get(key);
        if (value == null) {
            return items;
        }
        if (value instanceof ScalarNode scalar) {
            items.add(new Item(scalar.getValue(), scalar, path(key)));
            return items;
        }
        List<Node> nodes = sequence(key, expected + ", or a list of them");
        for (int i = 0; i < nodes.size(); i++) {
            Node item = nodes.get(i);
            String itemPath = path(key) + "[" + i + "]";
            if (item instanceof ScalarNode scalar && !isNull(scalar)) {
                items.add(new Item(scalar.getValue(), scalar, itemPath));
            } else {
                problems.add(item, itemPath, "expected " + expected + ", got " + describe(item));
            }
        }
        return items;
    }

    /** The items of a list; anything else is reported and read as an empty list. */
    List<Node> sequence(String key, String expected) {
        Node value = values.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        problems.add(value, path(key), "expected " + expected + ", got " + describe(value));
        return List.of();
    }

    private Optional<String> scalar(String key, String expected) {
        Node value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof ScalarNode scalar) {
            return Optional.of(scalar.getValue());
        }
        problems.add(value, path(key), "expected " + expected + ", got " + describe(value));
        return Optional.empty();
    }

    private <T> Optional<T> fail(String key, String expected, String text) {
        problems.add(values.get(key), path(key), "expected " + expected + ", got '" + text + "'");
        return Optional.empty();
    }

    /** How a wrong value is shown after "got": its text in quotes, or its kind. */
    static String describe(Node node) {
        if (node instanceof ScalarNode scalar) {
            return isNull(scalar) ? "nothing" : "'" + scalar.getValue() + "'";
        }
        return node instanceof SequenceNode ? "a list" : "a mapping";
    }

    /** A plain {@code ~}, {@code null} or nothing; a quoted "null" is a string. */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.isPlain() && NULLS.contains(scalar.getValue());
    }

    /**
     * The hint for an unknown key: the closest known key when it differs only in case or separators
     * ({@code maxBodySize}, {@code max_body_size}), is within two edits ({@code prot}), or the two are prefixes.
     */
    static String didYouMean(String given, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String squashedGiven = squash(given);
        for (String candidate : known) {
            int distance = squashedGiven.equals(squash(candidate)) ? 0 : editDistance(given, candidate);
            boolean prefix = given.length() >= 3 && (candidate.startsWith(given) || given.startsWith(candidate));
            if ((distance <= 2 || prefix) && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static String squash(String key) {
        return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance, case-insensitive. */
    static int editDistance(String a, String b) {
        a = a.toLowerCase(Locale.ROOT);
        b = b.toLowerCase(Locale.ROOT);
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** One string read from the file, with the node and key path to point at when it is wrong. */
    record Item(String value, Node node, String path) {}
}
