package dev.webstack.edge.http;

import dev.webstack.edge.config.LimitsConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * The step after the HTTP codec: a request that failed to decode, lacks what HTTP/1.1 requires, or
 * is too big never goes further. It is answered here (400, 413, 414, 431) with
 * {@code Connection: close}, the connection is closed once that is written, and everything the
 * client sends after it is dropped (the rest of the stream can no longer be framed).
 */
final class LimitsHandler extends ChannelDuplexHandler {
    private final long maxBodySize;
    private boolean failed;
    private long bodyBytes;

    LimitsHandler(LimitsConfig limits) {
        this.maxBodySize = limits.maxBodySize();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            HttpResponseStatus refusal = check(request);
            if (refusal != null) {
                refuse(ctx, request, refusal, msg);
                return;
            }
            bodyBytes = 0;
        }
        if (msg instanceof HttpContent content) {
            if (content.decoderResult().isFailure()) {
                // A bad chunk: its head already went on and is being answered, so a 400 now would be a
                // second response. Nothing after it can be framed: close once that answer is written.
                failed = true;
                ReferenceCountUtil.release(msg);
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            bodyBytes += content.content().readableBytes();
            if (bodyBytes > maxBodySize) {
                // A chunked body grew past the limit after its head went on: nothing can be framed after it.
                ReferenceCountUtil.release(msg);
                failed = true;
                ctx.close();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private HttpResponseStatus check(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpLineException) {
                return HttpResponseStatus.REQUEST_URI_TOO_LONG;
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            }
            if (cause instanceof TooLongFrameException) {
                return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            }
            return HttpResponseStatus.BAD_REQUEST;
        }
        if (request.protocolVersion().majorVersion() != 1) {
            return HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;
        }
        if (!validTarget(request.uri())) {
            return HttpResponseStatus.BAD_REQUEST;
        }
        // RFC 9112 §3.2: exactly one Host in HTTP/1.1.
        int hosts = request.headers().getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1 || (hosts == 0 && request.protocolVersion() == HttpVersion.HTTP_1_1)) {
            return HttpResponseStatus.BAD_REQUEST;
        }
        if (HttpUtil.getContentLength(request, 0L) > maxBodySize) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return null;
    }

    /** RFC 9112 §3.2: no control characters (NUL, CR, DEL, ...) or spaces in a request target. */
    private static boolean validTarget(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return !uri.isEmpty();
    }

    private void refuse(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, Object msg) {
        failed = true;
        ReferenceCountUtil.release(msg);
        HttpVersion version = request != null && request.decoderResult().isSuccess()
                ? request.protocolVersion()
                : HttpVersion.HTTP_1_1;
        boolean head = request != null && request.method() == HttpMethod.HEAD;
        ctx.writeAndFlush(Responses.error(version, status, false, head)).addListener(ChannelFutureListener.CLOSE);
    }
}
