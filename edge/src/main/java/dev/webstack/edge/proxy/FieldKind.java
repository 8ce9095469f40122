package dev.webstack.edge.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;

/**
 * What the proxy makes of a header field, by its name: the one table for requests (names as Netty's decoder read
 * them) and responses (names as bytes of the head), looked up among the few known names of the name's length.
 */
enum FieldKind {
    OTHER, CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION, SERVER, DATE,
    /** Another field that stays on its hop (RFC 9110 section 7.6.1). */
    HOP_BY_HOP;

    /** RFC 9110 section 7.6.1, plus the old Keep-Alive and Proxy-Connection. */
    static final List<AsciiString> HOP_BY_HOP_NAMES = List.of(
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE, HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION);

    private record Known(AsciiString name, FieldKind kind) {}

    /** The names with a kind of their own, by length. */
    private static final Known[][] KNOWN = known();

    /** Whether a field of this kind stays on its hop: Connection, Transfer-Encoding and the rest of RFC 9110's list. */
    boolean hopByHop() {
        return this == CONNECTION || this == TRANSFER_ENCODING || this == HOP_BY_HOP;
    }

    /** The kind of a field named {@code name}, ignoring case. */
    static FieldKind of(CharSequence name) {
        int length = name.length();
        if (length < KNOWN.length) {
            for (Known known : KNOWN[length]) {
                if (known.name().contentEqualsIgnoreCase(name)) {
                    return known.kind();
                }
            }
        }
        return OTHER;
    }

    /** The kind of a field whose name is {@code bytes[from, to)}, ignoring case. */
    static FieldKind of(byte[] bytes, int from, int to) {
        int length = to - from;
        if (length < KNOWN.length) {
            for (Known known : KNOWN[length]) {
                if (equalsIgnoreCase(bytes, from, to, known.name())) {
                    return known.kind();
                }
            }
        }
        return OTHER;
    }

    /** Whether {@code bytes[from, to)} is {@code text}, ignoring the case of ASCII letters. */
    static boolean equalsIgnoreCase(byte[] bytes, int from, int to, AsciiString text) {
        if (to - from != text.length()) {
            return false;
        }
        for (int k = 0; k < to - from; k++) {
            if (lower(bytes[from + k]) != lower(text.byteAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    private static Known[][] known() {
        List<Known> all = new ArrayList<>(List.of(
                new Known(HttpHeaderNames.CONTENT_LENGTH, CONTENT_LENGTH),
                new Known(HttpHeaderNames.TRANSFER_ENCODING, TRANSFER_ENCODING),
                new Known(HttpHeaderNames.CONNECTION, CONNECTION),
                new Known(HttpHeaderNames.SERVER, SERVER),
                new Known(HttpHeaderNames.DATE, DATE)));
        for (AsciiString name : HOP_BY_HOP_NAMES) {
            if (all.stream().noneMatch(known -> known.name().contentEqualsIgnoreCase(name))) {
                all.add(new Known(name, HOP_BY_HOP));
            }
        }
        int longest = all.stream().mapToInt(known -> known.name().length()).max().orElse(0);
        Known[][] byLength = new Known[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            int n = length;
            byLength[length] = all.stream().filter(known -> known.name().length() == n).toArray(Known[]::new);
        }
        return byLength;
    }
}
