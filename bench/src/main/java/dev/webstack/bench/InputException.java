package dev.webstack.bench;

import java.nio.file.Path;

/** A summary or meta file that cannot be read or breaks its format; the message starts with {@code FILE:LINE:}. */
final class InputException extends RuntimeException {
    private static final int QUOTE_MAX = 80;

    InputException(Path file, int line, String message) {
        super(file + ":" + line + ": " + message);
    }

    InputException(Path file, String message) {
        super(file + ": " + message);
    }

    /** The offending text for a one-line message: in quotes, tabs shown as {@code \t}, cut when long. */
    static String quote(String text) {
        String shown = text.replace("\t", "\\t");
        return "\"" + (shown.length() > QUOTE_MAX ? shown.substring(0, QUOTE_MAX) + "…" : shown) + "\"";
    }
}
