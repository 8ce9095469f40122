package dev.webstack.edge.file;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The path part of a request target, decoded and normalised the way nginx does it (percent-decoding,
 * merged slashes, {@code .} and {@code ..} resolved) before it is ever joined to a site's root.
 * Everything that could climb out of the root or be read two ways is refused here.
 *
 * @param segments the decoded path segments, none empty, none {@code .} or {@code ..}
 * @param trailingSlash whether the path ended with {@code /} (it names a directory)
 */
public record RequestPath(List<String> segments, boolean trailingSlash) {

    /** Why a path was refused; the static-file handler maps it to a status. */
    enum Refusal {
        /** Malformed: bad escape, NUL, backslash, encoded slash, invalid UTF-8, climbing above the root → 400. */
        BAD_REQUEST,
        /** A dotfile or dot-folder (other than {@code .well-known}) → 404, as if it did not exist. */
        HIDDEN
    }

    /** The outcome of decoding: a path, or the reason it was refused. */
    record Decoded(RequestPath path, Refusal refusal) {}

    private static final Decoded BAD = new Decoded(null, Refusal.BAD_REQUEST);
    private static final Decoded HIDDEN = new Decoded(null, Refusal.HIDDEN);

    /** Decodes the path of a request target ({@code /a/b%20c.html?x=1}: the query is ignored here). */
    static Decoded decode(String target) {
        return parse(target, true);
    }

    /**
     * The path as nginx matches its locations against it: decoded, slashes merged, {@code .} and {@code ..}
     * resolved ({@code /api/../admin} is {@code /admin}, {@code /%61pi/} is {@code /api/}); a trailing slash is
     * kept. Empty when the path is malformed or climbs above the root (a 400 then, as nginx answers).
     */
    public static Optional<String> normalized(String target) {
        int end = target.length();
        boolean plain = end > 0 && target.charAt(0) == '/';
        for (int i = 0; i < target.length() && plain; i++) {
            char c = target.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
            // Nothing to decode or resolve: no escape, no dot segment, no doubled slash, nothing beyond ASCII.
            plain = c != '%' && c != '\\' && c > 0x1f && c < 0x7f
                    && !(c == '/' && i + 1 < target.length() && (target.charAt(i + 1) == '/' || target.charAt(i + 1) == '.'));
        }
        if (plain) { // the common request: no lists, no decoding
            return Optional.of(end == target.length() ? target : target.substring(0, end));
        }
        Decoded d = parse(target, false);
        if (d.path() == null) {
            return Optional.empty();
        }
        List<String> segments = d.path().segments();
        String joined = "/" + String.join("/", segments);
        return Optional.of(d.path().trailingSlash() && !segments.isEmpty() ? joined + "/" : joined);
    }

    private static Decoded parse(String target, boolean refuseHidden) {
        int end = target.length();
        for (int i = 0; i < end; i++) {
            char c = target.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        if (end == 0 || target.charAt(0) != '/') {
            return BAD;
        }
        String raw = target.substring(0, end);
        String path;
        if (raw.indexOf('%') < 0 && isAscii(raw)) {
            path = raw;
        } else {
            path = percentDecode(raw);
            if (path == null) {
                return BAD;
            }
        }
        List<String> segments = new ArrayList<>();
        int start = 1;
        boolean hidden = false;
        for (int i = 1; i <= path.length(); i++) {
            if (i < path.length()) {
                char c = path.charAt(i);
                // A backslash is a separator on some systems and in some upstreams; NUL ends C strings.
                if (c == '\\' || c == 0) {
                    return BAD;
                }
                if (c != '/') {
                    continue;
                }
            }
            if (i > start) {
                String segment = path.substring(start, i);
                if (segment.equals("..")) {
                    if (segments.isEmpty()) {
                        return BAD;
                    }
                    segments.remove(segments.size() - 1);
                } else if (!segment.equals(".")) {
                    if (segment.charAt(0) == '.' && !segment.equals(".well-known")) {
                        hidden = true;
                    }
                    segments.add(segment);
                }
            }
            start = i + 1;
        }
        if (hidden && refuseHidden) {
            return HIDDEN;
        }
        boolean trailingSlash = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
        return new Decoded(new RequestPath(List.copyOf(segments), trailingSlash), null);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * Percent-decodes to UTF-8. Null for a broken escape, for invalid UTF-8 and for an encoded
     * {@code /} or {@code \}: those would make one path mean two things (nginx refuses them too
     * when they would change the split into segments).
     */
    private static String percentDecode(String s) {
        byte[] bytes = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                int b = (hi << 4) | lo;
                if (b == '/' || b == '\\' || b == 0) {
                    return null;
                }
                bytes[n++] = (byte) b;
                i += 2;
            } else if (c > 0xff) {
                return null; // not a byte the request line could have held
            } else if (c > 0x7f) {
                bytes[n++] = (byte) c; // a raw byte of the request line: must be valid UTF-8 too
            } else {
                bytes[n++] = (byte) c;
            }
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, n));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The path as a relative file path, segments joined with {@code /}. */
    String relative() {
        return String.join("/", segments);
    }
}
