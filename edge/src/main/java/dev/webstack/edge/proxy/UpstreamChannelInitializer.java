package dev.webstack.edge.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a connection to an upstream server, top to bottom: idle timer (a late response head, a paused
 * response body, or a pooled connection left unused) → {@link UpstreamResponseDecoder} → {@link UpstreamHandler}.
 * There is no encoder: the exchange writes its requests as bytes.
 */
@Sharable
public final class UpstreamChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final long idleMillis;
    private final int maxHeaderSize;

    /** The idle timer's period is the lesser of the two timeouts; the exchange decides which one ran out. */
    public UpstreamChannelInitializer(Duration responseTimeout, Duration idleTimeout, int maxHeaderSize) {
        this.idleMillis = Math.min(responseTimeout.toMillis(), idleTimeout.toMillis());
        this.maxHeaderSize = maxHeaderSize;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        UpstreamResponseDecoder decoder = new UpstreamResponseDecoder(maxHeaderSize);
        // Nothing may hold messages between the decoder and the handler (no flow control, no other executor): the
        // decoder reads every head into one object, which the exchange must see before the next head is read.
        channel.pipeline()
                .addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS))
                .addLast("decoder", decoder)
                .addLast("upstream", new UpstreamHandler(decoder));
    }
}
