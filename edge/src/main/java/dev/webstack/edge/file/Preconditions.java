package dev.webstack.edge.file;

import dev.webstack.edge.http.HttpDates;

/**
 * The conditional-request headers a file server evaluates (RFC 9110 §13): If-None-Match and
 * If-Modified-Since for 304, If-Range for whether a Range applies.
 */
final class Preconditions {
    private Preconditions() {}

    /**
     * Whether a GET or HEAD is answered 304: If-None-Match decides when present (weak comparison);
     * If-Modified-Since only when it is absent.
     */
    static boolean notModified(String ifNoneMatch, String ifModifiedSince, String etag, long mtimeMillis) {
        if (ifNoneMatch != null) {
            return matchesAny(ifNoneMatch, etag);
        }
        if (ifModifiedSince != null) {
            long since = HttpDates.parseSeconds(ifModifiedSince);
            return since >= 0 && mtimeMillis / 1000 <= since;
        }
        return false;
    }

    /** Whether a Range may be honoured: If-Range absent, or naming the current (strong) ETag or date. */
    static boolean rangeApplies(String ifRange, String etag, long mtimeMillis) {
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return v.equals(etag) && !etag.startsWith("W/");
        }
        long date = HttpDates.parseSeconds(v);
        return date >= 0 && date == mtimeMillis / 1000;
    }

    private static boolean matchesAny(String header, String etag) {
        String opaque = opaque(etag);
        int i = 0;
        int n = header.length();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',' || header.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            if (header.charAt(i) == '*') {
                return true;
            }
            int start = i;
            if (header.startsWith("W/", i)) {
                i += 2;
            }
            if (i < n && header.charAt(i) == '"') {
                int close = header.indexOf('"', i + 1);
                if (close < 0) {
                    return false;
                }
                if (opaque(header.substring(start, close + 1)).equals(opaque)) {
                    return true;
                }
                i = close + 1;
            } else {
                while (i < n && header.charAt(i) != ',') {
                    i++;
                }
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
