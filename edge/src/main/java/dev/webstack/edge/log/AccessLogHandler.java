package dev.webstack.edge.log;

import dev.webstack.edge.http.RawResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * Sits right after the HTTP codec and sees every request and every response that passes, error
 * pages included: it remembers each request (several, when pipelined), counts the body bytes of
 * its response, and writes the request's line to the {@link AccessLog} when the response's last
 * part is written.
 */
public final class AccessLogHandler extends ChannelDuplexHandler {
    private final AccessLog log;
    private final String protocol;
    private final ArrayDeque<HttpRequest> requests = new ArrayDeque<>(2);
    private String remote;
    private int status;
    private long bytes;

    /** @param protocol the protocol to log, or null for the request's own (HTTP/2 streams arrive as HTTP/1.1 objects) */
    public AccessLogHandler(AccessLog log, String protocol) {
        this.log = log;
        this.protocol = protocol;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            requests.add(request);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            status = response.status().code();
            bytes = 0;
        }
        if (msg instanceof RawResponse raw) {
            if (raw.status() != 0) {
                status = raw.status();
                bytes = 0;
            }
            bytes += raw.bodyBytes();
            if (raw.last() && status >= 200) {
                logOne(ctx);
            }
        } else if (msg instanceof HttpContent content) {
            bytes += content.content().readableBytes();
        } else if (msg instanceof FileRegion region) {
            bytes += region.count();
        } else if (msg instanceof ByteBuf buf) {
            bytes += buf.readableBytes();
        }
        if (msg instanceof LastHttpContent && status >= 200) {
            logOne(ctx);
        }
        ctx.write(msg, promise);
    }

    private void logOne(ChannelHandlerContext ctx) {
        HttpRequest request = requests.poll();
        if (request == null) {
            return; // a response to no request (408 on a silent connection): nothing to log as a request
        }
        // A request line that could not be parsed comes as Netty's placeholder, not what was sent.
        boolean parsed = request.decoderResult().isSuccess()
                || !(request.uri().equals("/bad-request") && request.protocolVersion() == HttpVersion.HTTP_1_0);
        log.log(
                ctx.executor(),
                remote(ctx.channel()),
                parsed ? request.method().name() : null,
                request.uri(),
                protocol != null ? protocol : request.protocolVersion().text(),
                status,
                bytes,
                request.headers().get(HttpHeaderNames.REFERER),
                request.headers().get(HttpHeaderNames.USER_AGENT));
    }

    private String remote(Channel channel) {
        if (remote == null) {
            SocketAddress a = channel.remoteAddress();
            if (a == null && channel.parent() != null) {
                a = channel.parent().remoteAddress();
            }
            remote = a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() : String.valueOf(a);
        }
        return remote;
    }
}
