package dev.webstack.edge.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * nginx's {@code combined} log format:
 * {@code $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"}.
 * Quotes, backslashes and control bytes in client-sent fields are escaped as nginx does
 * ({@code \x22}), so a hostile User-Agent cannot forge a log line. Not thread-safe: one per writer.
 */
final class CombinedLogFormat {
    private static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneId.systemDefault());
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private long cachedSecond = -1;
    private String cachedTime;

    void append(AccessLog.Entry e, StringBuilder out) {
        out.append(e.remoteAddress()).append(" - - [").append(time(e.timeMillis())).append("] \"");
        escaped(e.method(), out);
        out.append(' ');
        escaped(e.uri(), out);
        out.append(' ');
        escaped(e.protocol(), out);
        out.append("\" ").append(e.status()).append(' ').append(e.bytesSent()).append(" \"");
        escaped(e.referer() == null ? "-" : e.referer(), out);
        out.append("\" \"");
        escaped(e.userAgent() == null ? "-" : e.userAgent(), out);
        out.append("\"\n");
    }

    private String time(long millis) {
        long second = millis / 1000;
        if (second != cachedSecond) {
            cachedSecond = second;
            cachedTime = TIME_LOCAL.format(Instant.ofEpochSecond(second));
        }
        return cachedTime;
    }

    private static void escaped(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
                out.append("\\x").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
    }
}
