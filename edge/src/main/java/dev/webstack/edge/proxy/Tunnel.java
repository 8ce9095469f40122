package dev.webstack.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * After a 101 Switching Protocols (a WebSocket upgrade), the client's connection and the upstream's become one
 * byte stream: the HTTP steps leave both pipelines and each side's bytes go to the other as they are, with
 * backpressure (a side that cannot take more stops the other being read), until either end closes.
 *
 * <pre>
 *   client ◀──bytes──▶ [TunnelHandler] ═══ [TunnelHandler] ◀──bytes──▶ upstream
 * </pre>
 */
final class Tunnel {
    /** The HTTP steps of the client's HTTP/1 pipeline (see HttpPipeline), and of an upstream connection's. */
    private static final String[] CLIENT_STEPS = {"decoder", "encoder", "access-log", "timeouts", "limits", "chunked",
        "request"};
    private static final String[] UPSTREAM_STEPS = {"idle", "decoder", "upstream"};

    private Tunnel() {}

    /**
     * Joins the two connections; call on their (shared) event loop right after the 101 is written. A tunnel in
     * which neither side sends anything for {@code idle} is closed (nginx's proxy_read_timeout does the same).
     */
    static void open(Channel client, Channel upstream, Duration idle) {
        install(client.pipeline(), CLIENT_STEPS, upstream);
        install(upstream.pipeline(), UPSTREAM_STEPS, client);
        client.pipeline().addBefore("tunnel", "tunnel-idle",
                new IdleStateHandler(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS) {
                    @Override
                    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
                        ctx.close();
                    }
                });
        client.config().setAutoRead(true);
        upstream.config().setAutoRead(true);
    }

    private static void install(ChannelPipeline pipeline, String[] steps, Channel other) {
        String anchor = null;
        for (String step : steps) {
            if (pipeline.get(step) != null) {
                anchor = step;
            }
        }
        // The tunnel goes in before the HTTP steps leave, so bytes a decoder still holds flow into it.
        if (anchor != null) {
            pipeline.addAfter(anchor, "tunnel", new TunnelHandler(other));
        } else {
            pipeline.addLast("tunnel", new TunnelHandler(other));
        }
        // From the back: the last HTTP step leaves first, so what a decoder still holds reaches the tunnel.
        for (int i = steps.length - 1; i >= 0; i--) {
            if (pipeline.get(steps[i]) != null) {
                pipeline.remove(steps[i]);
            }
        }
    }

    /** Relays one side's bytes to the other. */
    private static final class TunnelHandler extends ChannelInboundHandlerAdapter {
        private final Channel other;

        TunnelHandler(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf)) {
                ReferenceCountUtil.release(msg); // the end of the 101's HTTP message, from the decoder leaving
                return;
            }
            other.write(msg, other.voidPromise());
            if (!other.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            other.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                other.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
