package dev.webstack.stack.config;

/**
 * One problem found in a config file, with its place: {@code webstack.yaml:14:7: edge.limits.max-body-size: -1 (expected: a size >= 0)}.
 *
 * @param file the file's name as the user gave it
 * @param line 1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 * @param key the dotted key path, with list indexes ({@code edge.sites[1].root}); empty for the file itself
 * @param message what is wrong, with the offending value and what was expected
 */
public record ConfigError(String file, int line, int column, String key, String message) {
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(file);
        if (line > 0) {
            s.append(':').append(line);
            if (column > 0) {
                s.append(':').append(column);
            }
        }
        s.append(": ");
        if (!key.isEmpty()) {
            s.append(key).append(": ");
        }
        return s.append(message).toString();
    }
}
