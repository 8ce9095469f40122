package dev.webstack.dns.server;

import dev.webstack.dns.query.Responder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers each length-prefixed query on a TCP connection (RFC 7766): several queries per connection, answered in
 * order. A connection that sends nothing for the idle timeout, or a length prefix with less behind it, is closed.
 */
final class TcpQueryHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = Logger.getLogger(TcpQueryHandler.class.getName());

    private final Responder responder;

    TcpQueryHandler(Responder responder) {
        this.responder = responder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        byte[] query = ByteBufUtil.getBytes(frame);
        boolean[] answered = {false};
        try {
            responder.respond(query, remote.getAddress(), true, answer -> {
                answered[0] = true;
                ctx.write(Unpooled.wrappedBuffer(answer), ctx.voidPromise());
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "dns: query from " + remote + " failed", e);
        }
        if (!answered[0]) {
            // Nothing worth answering (too short to be a query, or a response): this peer is not speaking DNS.
            ctx.close();
            return;
        }
        if (!ctx.channel().isWritable()) {
            // Answers pile up unread (RFC 7766 section 6.2.3): read no more queries until they drain.
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "dns: tcp connection error", cause);
        ctx.close();
    }
}
