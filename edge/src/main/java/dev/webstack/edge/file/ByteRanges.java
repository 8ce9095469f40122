package dev.webstack.edge.file;

/**
 * A {@code Range} header with one byte range (RFC 9110 §14). Several ranges, other units and
 * syntax errors are ignored (the whole file is sent, as the RFC allows); a well-formed range
 * wholly past the end is unsatisfiable (416).
 */
final class ByteRanges {
    /** The header is ignored: send the whole representation. */
    static final long[] IGNORE = new long[0];
    /** No byte of the range exists: 416. */
    static final long[] UNSATISFIABLE = new long[0];

    private ByteRanges() {}

    /** {@code {first, last}} (inclusive) within {@code size}, or {@link #IGNORE} / {@link #UNSATISFIABLE}. */
    static long[] parse(String header, long size) {
        if (header.length() < 7 || !header.regionMatches(true, 0, "bytes=", 0, 6) || header.indexOf(',') >= 0) {
            return IGNORE;
        }
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return IGNORE;
        }
        long first = digits(spec, 0, dash);
        long last = digits(spec, dash + 1, spec.length());
        if (dash == 0) { // suffix: the last N bytes
            if (last < 0) {
                return IGNORE;
            }
            if (last == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new long[] {Math.max(0, size - last), size - 1};
        }
        if (first < 0 || (dash + 1 < spec.length() && last < 0)) {
            return IGNORE;
        }
        if (dash + 1 < spec.length() && last < first) {
            return IGNORE;
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        long end = dash + 1 == spec.length() ? size - 1 : Math.min(last, size - 1);
        return new long[] {first, end};
    }

    /** A non-negative decimal in {@code s[from, to)}; -1 when empty, not digits, or too long. */
    private static long digits(String s, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
