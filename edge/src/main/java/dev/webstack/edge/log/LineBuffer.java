package dev.webstack.edge.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One event loop's access-log buffer, and the {@code combined} format written straight into it as
 * bytes: {@code $remote_addr - - [$time_local] "$request" $status $body_bytes_sent "$http_referer"
 * "$http_user_agent"}. Quotes, backslashes, control and non-ASCII bytes in what the client sent are
 * escaped as nginx escapes them ({@code \x22}), so a hostile User-Agent cannot forge a line.
 * Confined to its event loop's thread.
 */
final class LineBuffer {
    private static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneId.systemDefault());
    private static final byte[] HEX = "0123456789ABCDEF".getBytes();
    /** The longest a field may make a line; longer values are cut (the request line is bounded anyway). */
    private static final int FIELD_MAX = 4096;

    private final AccessLog log;
    private byte[] buf = new byte[AccessLog.BUFFER_SIZE];
    private int pos;
    private long handedAt = System.nanoTime();
    private long second = -1;
    private byte[] time;

    LineBuffer(AccessLog log) {
        this.log = log;
    }

    void append(
            String remote, String method, String uri, String protocol, int status, long bytes, String referer, String agent) {
        // Worst case per field: 4 bytes per char escaped; make room for a whole line first.
        int worst = 128 + remote.length() + 4 * (Math.min(len(uri), FIELD_MAX) + len(method) + len(protocol)
                + Math.min(len(referer), FIELD_MAX) + Math.min(len(agent), FIELD_MAX));
        if (buf.length - pos < worst) {
            flush();
            if (buf.length < worst) {
                buf = new byte[worst];
            }
        }
        ascii(remote);
        ascii(" - - [");
        time();
        ascii("] \"");
        if (method == null) {
            buf[pos++] = '-'; // nothing that could be read as a request (nginx logs these bytes; we log none)
        } else {
            escaped(method);
            buf[pos++] = ' ';
            escaped(uri);
            buf[pos++] = ' ';
            escaped(protocol);
        }
        ascii("\" ");
        number(status);
        buf[pos++] = ' ';
        number(bytes);
        ascii(" \"");
        escaped(referer == null ? "-" : referer);
        ascii("\" \"");
        escaped(agent == null ? "-" : agent);
        buf[pos++] = '"';
        buf[pos++] = '\n';
    }

    /** Hands what the buffer holds to the writer. */
    void flush() {
        if (pos > 0) {
            if (log.handOver(buf, pos)) {
                buf = log.emptyBuffer(); // a dropped one is still ours, to fill again
            }
            pos = 0;
        }
        handedAt = System.nanoTime();
    }

    /** The once-a-second flush, run on the buffer's own event loop. */
    void flushIfStale() {
        if (pos > 0 && System.nanoTime() - handedAt >= AccessLog.flushNanos() - 50_000_000L) {
            flush();
        }
    }

    private static int len(String s) {
        return s == null ? 1 : s.length();
    }

    private void time() {
        long now = System.currentTimeMillis() / 1000;
        if (now != second) {
            second = now;
            time = TIME_LOCAL.format(Instant.ofEpochSecond(now)).getBytes();
        }
        System.arraycopy(time, 0, buf, pos, time.length);
        pos += time.length;
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    private void escaped(String s) {
        int n = Math.min(s.length(), FIELD_MAX);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                int b = c > 0xff ? '?' : c; // request heads are bytes (ISO-8859-1 in Netty's decoder)
                buf[pos++] = '\\';
                buf[pos++] = 'x';
                buf[pos++] = HEX[(b >> 4) & 0xf];
                buf[pos++] = HEX[b & 0xf];
            } else {
                buf[pos++] = (byte) c;
            }
        }
    }

    private void number(long v) {
        if (v == 0) {
            buf[pos++] = '0';
            return;
        }
        int start = pos;
        while (v > 0) {
            buf[pos++] = (byte) ('0' + v % 10);
            v /= 10;
        }
        for (int i = start, j = pos - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }
}
