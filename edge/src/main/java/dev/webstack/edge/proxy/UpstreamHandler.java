package dev.webstack.edge.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last step of an upstream connection's pipeline (always the last: an exchange finds it there): hands what the
 * server sends to the exchange using the connection, and closes the connection when nobody is (an idle pooled
 * connection that times out or hears something it did not ask for).
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private final UpstreamResponseDecoder decoder;
    private ProxyExchange exchange;

    UpstreamHandler(UpstreamResponseDecoder decoder) {
        this.decoder = decoder;
    }

    /** The connection now carries {@code next}'s request; {@code head}: a HEAD, whose response has no body. */
    void attach(ProxyExchange next, boolean head) {
        this.exchange = next;
        decoder.expectHeadResponse(head);
    }

    void detach() {
        this.exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null && (msg instanceof ResponseHead || msg instanceof HttpObject)) {
            exchange.upstreamRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        ctx.close(); // an idle connection that talks: it cannot be trusted with the next request
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.upstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.upstreamWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.upstreamClosed(null);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            if (exchange != null) {
                exchange.upstreamIdle();
            } else {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (exchange != null) {
            exchange.upstreamClosed(cause);
        }
        ctx.close();
    }
}
