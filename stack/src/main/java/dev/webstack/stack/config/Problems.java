package dev.webstack.stack.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Every problem found while binding one config file, collected rather than thrown so that the user sees them all
 * at once, each placed at the YAML node it is about.
 */
final class Problems {
    private final String file;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    /** Records a problem at the start of {@code at}. */
    void add(Node at, String key, String message) {
        add(at.getStartMark(), key, message);
    }

    /** Records a problem at a parser mark; without a mark the error names the file only. */
    void add(Optional<Mark> mark, String key, String message) {
        int line = mark.map(m -> m.getLine() + 1).orElse(0);
        int column = mark.map(m -> m.getColumn() + 1).orElse(0);
        errors.add(new ConfigError(file, line, column, key, message));
    }

    /** Records a problem with the file as a whole. */
    void add(String message) {
        errors.add(new ConfigError(file, 0, 0, "", message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** The problems in reading order, top to bottom (cross-checks are found last but belong where they point). */
    ConfigException toException() {
        List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return new ConfigException(sorted);
    }

    /** The 1-based line a node starts on, for messages that point back at an earlier place. */
    static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }
}
