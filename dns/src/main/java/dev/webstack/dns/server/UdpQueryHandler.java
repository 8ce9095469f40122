package dev.webstack.dns.server;

import dev.webstack.dns.query.Responder;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers each UDP datagram with at most one datagram. Writes are flushed once per read batch, so a busy socket
 * pays one system call for many answers.
 */
@Sharable
final class UdpQueryHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = Logger.getLogger(UdpQueryHandler.class.getName());

    private final Responder responder;

    UdpQueryHandler(Responder responder) {
        this.responder = responder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress sender = packet.sender();
        byte[] query = ByteBufUtil.getBytes(packet.content());
        try {
            responder.respond(query, sender.getAddress(), false, answer -> {
                // A socket whose send buffer is full drops the answer, as the network might: the client asks
                // again, and memory stays bounded however fast queries come.
                if (ctx.channel().isWritable()) {
                    ctx.write(new DatagramPacket(ctx.alloc().directBuffer(answer.length).writeBytes(answer), sender),
                            ctx.voidPromise());
                }
            });
        } catch (RuntimeException e) {
            // A broken contract in the responder: log it, answer nothing, and go on serving everyone else.
            LOG.log(Level.WARNING, "dns: query from " + sender + " failed", e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP socket error (an ICMP unreachable reported back, for one) concerns one peer, never the socket.
        LOG.log(Level.FINE, "dns: udp error", cause);
    }
}
