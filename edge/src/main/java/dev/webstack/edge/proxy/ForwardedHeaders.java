package dev.webstack.edge.proxy;

import dev.webstack.edge.http.HttpDates;
import dev.webstack.edge.http.Responses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header rewriting of a proxy (RFC 9110 section 7.6): hop-by-hop headers, and those the Connection header
 * names, stay on their hop; the request gains {@code X-Forwarded-For}, {@code -Proto}, {@code -Host} and
 * {@code Forwarded} (RFC 7239) and keeps its Host; the response gets the edge's Server and Date, as nginx's do.
 */
final class ForwardedHeaders {
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final byte[] HTTP_1_0_SP = "HTTP/1.0 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_1_1_SP = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SP_HTTP_1_1 = " HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMA_SPACE = ", ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FOR_EQ = "for=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUOTE_BRACKET = "\"[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BRACKET_QUOTE = "]\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROTO_EQ = ";proto=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST_EQ_QUOTE = ";host=\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_LINE = ("server: " + Responses.SERVER + "\r\n").getBytes(StandardCharsets.US_ASCII);
    /** The last Date line made; its record's final fields make sharing it between event loops safe. */
    private static DateLine dateLine = new DateLine("", new byte[0]);

    private ForwardedHeaders() {}

    /**
     * The request head as it goes upstream, in wire form: HTTP/1.1, the same method, target and end-to-end
     * headers, the body framed as the client framed it, or in chunks when the client gave no length (as an HTTP/2
     * client may not), and {@code X-Forwarded-For}, {@code -Proto}, {@code -Host} and {@code Forwarded} from what
     * the edge saw.
     *
     * @param chunked whether the body goes in chunks: its Content-Length, if any, stays behind
     */
    static ByteBuf upstreamHead(ByteBufAllocator alloc, HttpRequest request, String client, boolean secure,
            boolean chunked) {
        HttpHeaders in = request.headers();
        List<String> named = connectionTokens(in);
        HeadWriter out = HeadWriter.start();
        out.ascii(request.method().asciiName()).ascii((byte) ' ').ascii(request.uri()).bytes(SP_HTTP_1_1).crlf();
        String priorFor = null;
        String priorForwarded = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            CharSequence name = header.getKey();
            FieldKind kind = FieldKind.of(name);
            if (kind.hopByHop() || (chunked && kind == FieldKind.CONTENT_LENGTH)
                    || (!named.isEmpty() && named.contains(name.toString().toLowerCase(Locale.ROOT)))
                    || AsciiString.contentEqualsIgnoreCase(name, "x-http2-stream-id")
                    || AsciiString.contentEqualsIgnoreCase(name, "x-http2-scheme")) {
                continue;
            }
            if (X_FORWARDED_FOR.contentEqualsIgnoreCase(name)) {
                priorFor = priorFor == null ? header.getValue().toString() : priorFor + ", " + header.getValue();
                continue;
            }
            if (FORWARDED.contentEqualsIgnoreCase(name)) {
                priorForwarded = priorForwarded == null ? header.getValue().toString()
                        : priorForwarded + ", " + header.getValue();
                continue;
            }
            if (X_FORWARDED_PROTO.contentEqualsIgnoreCase(name) || X_FORWARDED_HOST.contentEqualsIgnoreCase(name)) {
                continue; // set below, from what the edge saw
            }
            out.header(name, header.getValue());
        }
        if (isWebSocketUpgrade(request)) {
            // The one upgrade passed on: WebSocket (RFC 6455), tunnelled once the server agrees (101).
            out.header(HttpHeaderNames.UPGRADE, in.get(HttpHeaderNames.UPGRADE));
            out.header(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        String host = in.get(HttpHeaderNames.HOST);
        String ip = client == null ? "unknown" : client;
        AsciiString proto = secure ? HTTPS : HTTP;
        out.name(X_FORWARDED_FOR);
        if (priorFor != null && !priorFor.isBlank()) {
            out.ascii(priorFor).bytes(COMMA_SPACE);
        }
        out.ascii(ip).crlf();
        out.header(X_FORWARDED_PROTO, proto);
        if (host != null) {
            out.header(X_FORWARDED_HOST, host);
        }
        // Forwarded: [prior, ]for=ip;proto=scheme[;host="host"]
        out.name(FORWARDED);
        if (priorForwarded != null) {
            out.ascii(priorForwarded).bytes(COMMA_SPACE);
        }
        out.bytes(FOR_EQ);
        if (ip.indexOf(':') >= 0) {
            out.bytes(QUOTE_BRACKET).ascii(ip).bytes(BRACKET_QUOTE);
        } else {
            out.ascii(ip);
        }
        out.bytes(PROTO_EQ).ascii(proto);
        if (host != null && isQuotable(host)) {
            out.bytes(HOST_EQ_QUOTE).ascii(host).ascii((byte) '"');
        }
        out.crlf();
        if (chunked) {
            out.header(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return out.crlf().finish(alloc, 0);
    }

    /** Whether {@code host} can go in a quoted-string of Forwarded as it is: visible ASCII, no quote or backslash. */
    private static boolean isQuotable(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** An HTTP/1.1 GET asking to switch to WebSocket: {@code Connection: upgrade} and {@code Upgrade: websocket}. */
    static boolean isWebSocketUpgrade(HttpRequest request) {
        return request.protocolVersion() == HttpVersion.HTTP_1_1
                && request.method().equals(io.netty.handler.codec.http.HttpMethod.GET)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && "websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE));
    }

    /** The 101 as it goes to the client: the switch's own headers kept, the edge's Server and Date. */
    static void switchingResponse(HttpResponse response) {
        String upgrade = response.headers().get(HttpHeaderNames.UPGRADE);
        removeHopByHop(response.headers());
        response.headers().set(HttpHeaderNames.UPGRADE, upgrade == null ? "websocket" : upgrade);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        response.headers().set(HttpHeaderNames.SERVER, Responses.SERVER);
        response.headers().set(HttpHeaderNames.DATE, HttpDates.now());
    }

    /**
     * The response as it goes to an HTTP/2 stream, as an object for its codec: end-to-end headers, the edge's Server
     * and Date (the codec drops what HTTP/2 frames itself).
     */
    static HttpResponse streamResponse(ResponseHead head) {
        HttpResponse response = head.toHttpResponse();
        HttpHeaders headers = response.headers();
        removeHopByHop(headers);
        headers.set(HttpHeaderNames.SERVER, Responses.SERVER);
        headers.set(HttpHeaderNames.DATE, HttpDates.now());
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        return response;
    }

    /**
     * The response head as it goes to an HTTP/1.x client, in wire form: the status line in the client's version,
     * the server's end-to-end header fields as they came, the edge's Server and Date, {@code Transfer-Encoding:
     * chunked} when the edge frames the body in chunks, and the connection's fate. {@code room} more bytes fit after
     * it without the buffer growing: a body small enough to go out in the same write.
     */
    static ByteBuf clientHead(ByteBufAllocator alloc, ResponseHead head, HttpVersion clientVersion,
            boolean keepAlive, boolean chunked, int room) {
        List<String> named = head.connectionTokens();
        HeadWriter out = HeadWriter.start();
        out.bytes(clientVersion == HttpVersion.HTTP_1_0 ? HTTP_1_0_SP : HTTP_1_1_SP);
        head.writeStatus(out);
        out.crlf();
        // A 204 has no body and may not say it has one (RFC 9110 section 8.6): a length from the server stays here.
        boolean noLength = head.status() == 204;
        for (int i = 0, n = head.fieldCount(); i < n; i++) {
            boolean relayed = switch (head.kind(i)) {
                case OTHER -> named.isEmpty() || !named.contains(head.name(i).toLowerCase(Locale.ROOT));
                case CONTENT_LENGTH -> !noLength;
                default -> false; // hop-by-hop, or the edge's own (Server, Date)
            };
            if (relayed) {
                head.writeField(out, i);
            }
        }
        out.bytes(SERVER_LINE).bytes(dateLine());
        if (chunked) {
            out.header(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (!keepAlive) {
            out.header(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion == HttpVersion.HTTP_1_0) {
            out.header(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return out.crlf().finish(alloc, room);
    }

    /** The Date header line, made once a second (by whichever event loop first needs the new one). */
    private static byte[] dateLine() {
        String now = HttpDates.now();
        DateLine line = dateLine;
        if (line.date() != now) {
            line = new DateLine(now, ("date: " + now + "\r\n").getBytes(StandardCharsets.US_ASCII));
            dateLine = line;
        }
        return line.bytes();
    }

    private record DateLine(String date, byte[] bytes) {}

    private static void removeHopByHop(HttpHeaders headers) {
        List<String> named = connectionTokens(headers);
        for (AsciiString name : FieldKind.HOP_BY_HOP_NAMES) {
            headers.remove(name);
        }
        for (String name : named) {
            headers.remove(name);
        }
    }

    /** The header names the Connection header lists, lower-cased; never Host, Content-Length or Transfer-Encoding. */
    private static List<String> connectionTokens(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.CONNECTION)) {
            return List.of(); // most messages: without the list getAll would make
        }
        List<String> named = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            addConnectionTokens(value, named);
        }
        return named;
    }

    /**
     * Adds the header names one Connection header value lists, lower-cased, to {@code named}: never Host,
     * Content-Length or Transfer-Encoding, since a Connection token may not take away what frames or routes the
     * message. The same rule for requests and responses, whichever way their heads are read.
     */
    static void addConnectionTokens(String value, List<String> named) {
        for (String token : value.split(",")) {
            String name = token.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !name.equals("host") && !name.equals("content-length")
                    && !name.equals("transfer-encoding")) {
                named.add(name);
            }
        }
    }
}
