package dev.webstack.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Building blocks every response shares: fresh headers with {@code Server}, {@code Date} and the
 * connection's fate, and the small error pages (the only place that writes them).
 */
public final class Responses {
    public static final AsciiString SERVER = AsciiString.cached("webstack");
    private static final AsciiString HTML = AsciiString.cached("text/html; charset=utf-8");
    private static final HttpHeadersFactory HEADERS =
            DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private Responses() {}

    /**
     * New response headers with Server and Date, and the Connection header the protocol needs:
     * {@code close} when the connection ends after this response, {@code keep-alive} for an
     * HTTP/1.0 client that asked to keep it.
     */
    public static HttpHeaders headers(HttpVersion version, boolean keepAlive) {
        HttpHeaders h = HEADERS.newHeaders();
        h.add(HttpHeaderNames.SERVER, SERVER);
        h.add(HttpHeaderNames.DATE, HttpDates.now());
        if (!keepAlive) {
            h.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (version == HttpVersion.HTTP_1_0) {
            h.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return h;
    }

    public static FullHttpResponse full(
            HttpVersion version, HttpResponseStatus status, ByteBuf body, HttpHeaders headers) {
        return new DefaultFullHttpResponse(version, status, body, headers, EmptyHttpHeaders.INSTANCE);
    }

    /** A small HTML page for an error status; {@code head} leaves the body out but keeps its length. */
    public static FullHttpResponse error(HttpVersion version, HttpResponseStatus status, boolean keepAlive, boolean head) {
        byte[] page = page(status);
        HttpHeaders h = headers(version, keepAlive);
        h.add(HttpHeaderNames.CONTENT_TYPE, HTML);
        h.add(HttpHeaderNames.CONTENT_LENGTH, page.length);
        return full(version, status, head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(page), h);
    }

    /** A 301 to {@code location}, with a short page for clients that don't follow it. */
    public static FullHttpResponse redirect(HttpVersion version, String location, boolean keepAlive, boolean head) {
        FullHttpResponse r = error(version, HttpResponseStatus.MOVED_PERMANENTLY, keepAlive, head);
        r.headers().set(HttpHeaderNames.LOCATION, location);
        return r;
    }

    private static byte[] page(HttpResponseStatus status) {
        String title = status.code() + " " + status.reasonPhrase();
        return ("<!DOCTYPE html>\n<html><head><title>" + title + "</title></head>\n<body><h1>" + title
                        + "</h1><hr><p>webstack</p></body></html>\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
