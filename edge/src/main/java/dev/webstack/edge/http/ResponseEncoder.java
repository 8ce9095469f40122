package dev.webstack.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponseEncoder;

/** Netty's response encoder, letting a {@link RawResponse} (bytes already framed) through as its bytes. */
final class ResponseEncoder extends HttpResponseEncoder {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof RawResponse raw) {
            ctx.write(raw.content(), promise);
            return;
        }
        super.write(ctx, msg, promise);
    }
}
