package dev.webstack.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An upstream response head as it came off the wire, read strictly (RFC 9112 sections 4 and 5): its bytes, where
 * each header field's name and value are in them, and what frames the body. Relaying it to an HTTP/1.x client
 * copies the fields' bytes ({@link ForwardedHeaders#clientHead}); no header object is made unless an HTTP/2
 * client or a protocol switch needs one ({@link #toHttpResponse}). It works on a copy of the head in a byte
 * array: a few hundred bytes copied once, read with plain array access.
 *
 * <p>An upstream connection's decoder reads every head into the same instance ({@link #read}), so a response
 * allocates nothing here: a head is valid only until the decoder reads the next one, which it does only after the
 * exchange has taken what it needs from this one (in the {@code channelRead} that delivers it).
 */
final class ResponseHead {
    private static final FieldKind[] KINDS = FieldKind.values();
    private static final int SLOTS = 5;
    private static final byte[] TOKEN = new byte[128];

    static {
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = 1;
        }
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = 1;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = 1;
            TOKEN[c - 'a' + 'A'] = 1;
        }
    }

    private byte[] bytes;
    private int length;
    private HttpVersion version;
    private int status;
    /** Where the status line's "code reason" part ends (it starts at 9, after "HTTP/1.x "). */
    private int statusEnd;
    /**
     * Per field, {@value #SLOTS} ints: name start, name end, value start, value end (offsets in {@link #bytes}), and
     * its {@link FieldKind}'s ordinal.
     */
    private int[] fields = new int[SLOTS * 8];
    private int count;
    private long contentLength = -1;
    private boolean chunked;
    private boolean close;
    private boolean keepAliveToken;
    private List<String> connectionTokens = List.of();

    /** An empty head, for {@link #read} to fill again and again. */
    ResponseHead() {
        this.bytes = new byte[256];
    }

    /**
     * Reads the head in the first {@code length} bytes of {@code bytes}: from the status line through the empty line
     * that ends it.
     *
     * @throws IllegalArgumentException naming what is wrong, when it is not a head the edge may pass on
     */
    ResponseHead(byte[] bytes, int length) {
        this.bytes = bytes;
        parse(length);
    }

    /**
     * Replaces what this holds with the head in the next {@code length} readable bytes of {@code in} (consumed). The
     * array it copies them into doubles until the largest head read fits: less than twice the decoder's head limit.
     *
     * @throws IllegalArgumentException naming what is wrong, when it is not a head the edge may pass on
     */
    void read(ByteBuf in, int length) {
        if (bytes.length < length) {
            bytes = new byte[Math.max(length, 2 * bytes.length)];
        }
        in.readBytes(bytes, 0, length);
        count = 0;
        contentLength = -1;
        chunked = false;
        close = false;
        keepAliveToken = false;
        connectionTokens = List.of();
        parse(length);
    }

    private void parse(int length) {
        this.length = length;
        int lineEnd = lineEnd(0);
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]
        if (lineEnd < 12 || !startsWith("HTTP/1.") || bytes[8] != ' ') {
            throw new IllegalArgumentException("not an HTTP/1.x status line");
        }
        byte minor = bytes[7];
        if (minor != '0' && minor != '1') {
            throw new IllegalArgumentException("not an HTTP/1.x status line");
        }
        this.version = minor == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
        int code = 0;
        for (int i = 9; i < 12; i++) {
            byte b = bytes[i];
            if (b < '0' || b > '9') {
                throw new IllegalArgumentException("a status code that is not three digits");
            }
            code = code * 10 + b - '0';
        }
        if (code < 100 || (lineEnd > 12 && bytes[12] != ' ')) {
            throw new IllegalArgumentException("a status code that is not three digits");
        }
        this.status = code;
        this.statusEnd = lineEnd;
        checkText(12, lineEnd, "the reason phrase");
        int line = next(lineEnd);
        while (true) {
            lineEnd = lineEnd(line);
            if (lineEnd == line) {
                break; // the empty line: the end of the head
            }
            field(line, lineEnd);
            line = next(lineEnd);
        }
        if (chunked && contentLength >= 0) {
            throw new IllegalArgumentException("Content-Length beside Transfer-Encoding");
        }
    }

    /** One field line: token ":" OWS value OWS; no space before the colon, no line folded onto the one before. */
    private void field(int start, int end) {
        int colon = start;
        while (colon < end && isToken(bytes[colon])) {
            colon++;
        }
        if (colon == start || colon == end || bytes[colon] != ':') {
            throw new IllegalArgumentException(bytes[start] == ' ' || bytes[start] == '\t'
                    ? "a folded header line (obs-fold)" : "a header line that is not name: value");
        }
        int value = colon + 1;
        while (value < end && isSpace(bytes[value])) {
            value++;
        }
        int valueEnd = end;
        while (valueEnd > value && isSpace(bytes[valueEnd - 1])) {
            valueEnd--;
        }
        checkText(value, valueEnd, "a header value");
        int at = SLOTS * count;
        if (at == fields.length) {
            fields = Arrays.copyOf(fields, fields.length * 2);
        }
        fields[at] = start;
        fields[at + 1] = colon;
        fields[at + 2] = value;
        fields[at + 3] = valueEnd;
        fields[at + 4] = FieldKind.of(bytes, start, colon).ordinal();
        framing(count++);
    }

    /** Notes what frames the body and the connection's fate, refusing what could be read two ways. */
    private void framing(int i) {
        FieldKind kind = kind(i);
        if (kind == FieldKind.CONTENT_LENGTH) {
            if (contentLength >= 0) {
                throw new IllegalArgumentException("two Content-Lengths");
            }
            int from = fields[SLOTS * i + 2];
            int to = fields[SLOTS * i + 3];
            if (from == to || to - from > 18) {
                throw new IllegalArgumentException("a Content-Length that is not a number");
            }
            long length = 0;
            for (int k = from; k < to; k++) {
                byte b = bytes[k];
                if (b < '0' || b > '9') {
                    throw new IllegalArgumentException("a Content-Length that is not a number");
                }
                length = length * 10 + b - '0';
            }
            contentLength = length;
        } else if (kind == FieldKind.TRANSFER_ENCODING) {
            if (chunked || !value(i).equalsIgnoreCase("chunked")) {
                throw new IllegalArgumentException("Transfer-Encoding " + value(i) + " (expected: chunked alone)");
            }
            chunked = true;
        } else if (kind == FieldKind.CONNECTION) {
            // Most servers say just one of these: read without making a string or a list.
            if (valueIs(i, HttpHeaderValues.KEEP_ALIVE)) {
                keepAliveToken = true;
                return;
            }
            if (valueIs(i, HttpHeaderValues.CLOSE)) {
                close = true;
                return;
            }
            List<String> named = new ArrayList<>(connectionTokens);
            ForwardedHeaders.addConnectionTokens(value(i), named);
            close |= named.removeIf("close"::equals);
            keepAliveToken |= named.removeIf("keep-alive"::equals);
            connectionTokens = named;
        }
    }

    private void checkText(int from, int to, String what) {
        for (int k = from; k < to; k++) {
            byte b = bytes[k];
            if ((b < ' ' && b != '\t') || b == 0x7f) {
                throw new IllegalArgumentException("a control character in " + what);
            }
        }
    }

    /**
     * Where the line starting at {@code from} ends: at its CR LF, or at a lone LF (RFC 9112 section 2.2); a CR
     * anywhere else is refused.
     */
    private int lineEnd(int from) {
        for (int k = from; k < length; k++) {
            byte b = bytes[k];
            if (b == '\n') {
                return k;
            }
            if (b == '\r') {
                if (k + 1 < length && bytes[k + 1] == '\n') {
                    return k;
                }
                throw new IllegalArgumentException("a bare CR in the head");
            }
        }
        throw new IllegalArgumentException("a head without its end");
    }

    private int next(int lineEnd) {
        return bytes[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
    }

    private boolean startsWith(String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isToken(byte b) {
        return b > 0 && TOKEN[b] != 0;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    HttpVersion version() {
        return version;
    }

    int status() {
        return status;
    }

    /** The body's length from Content-Length, or -1 without one. */
    long contentLength() {
        return contentLength;
    }

    /** Whether the body comes in chunks. */
    boolean chunked() {
        return chunked;
    }

    /** Whether the server keeps the connection open after this response (HTTP/1.1 unless it says close). */
    boolean keepAlive() {
        return !close && (version == HttpVersion.HTTP_1_1 || keepAliveToken);
    }

    /**
     * The header names the Connection header lists besides close and keep-alive, lower-cased; never Host,
     * Content-Length or Transfer-Encoding.
     */
    List<String> connectionTokens() {
        return connectionTokens;
    }

    int fieldCount() {
        return count;
    }

    /** What field {@code i}'s name makes it. */
    FieldKind kind(int i) {
        return KINDS[fields[SLOTS * i + 4]];
    }

    /** Whether field {@code i}'s name is {@code name}, ignoring case. */
    boolean nameIs(int i, AsciiString name) {
        return equalsIgnoreCase(fields[SLOTS * i], fields[SLOTS * i + 1], name);
    }

    /** Whether field {@code i}'s value is {@code value}, ignoring case. */
    private boolean valueIs(int i, AsciiString value) {
        return equalsIgnoreCase(fields[SLOTS * i + 2], fields[SLOTS * i + 3], value);
    }

    private boolean equalsIgnoreCase(int from, int to, AsciiString text) {
        return FieldKind.equalsIgnoreCase(bytes, from, to, text);
    }

    String name(int i) {
        return text(fields[SLOTS * i], fields[SLOTS * i + 1]);
    }

    String value(int i) {
        return text(fields[SLOTS * i + 2], fields[SLOTS * i + 3]);
    }

    /** The value of the first field named {@code name}, or null. */
    String get(AsciiString name) {
        for (int i = 0; i < count; i++) {
            if (nameIs(i, name)) {
                return value(i);
            }
        }
        return null;
    }

    /** Writes "code reason" of the status line, as the server sent it. */
    void writeStatus(HeadWriter out) {
        out.bytes(bytes, 9, statusEnd - 9);
    }

    /** Writes field {@code i} as a header line: its name and value as they came, CR LF. */
    void writeField(HeadWriter out, int i) {
        int at = SLOTS * i;
        out.bytes(bytes, fields[at], fields[at + 1] - fields[at]).ascii((byte) ':').ascii((byte) ' ')
                .bytes(bytes, fields[at + 2], fields[at + 3] - fields[at + 2]).crlf();
    }

    /** The head as Netty's object, for an HTTP/2 client's codec or a protocol switch. */
    HttpResponse toHttpResponse() {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        for (int i = 0; i < count; i++) {
            headers.add(name(i), value(i));
        }
        String reason = statusEnd > 13 ? text(13, statusEnd) : "";
        return new DefaultHttpResponse(version, HttpResponseStatus.valueOf(status, reason), headers);
    }


    private String text(int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
