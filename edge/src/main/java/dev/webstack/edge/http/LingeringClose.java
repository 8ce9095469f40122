package dev.webstack.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * nginx's lingering close, for a connection the server ends while the client may still be sending
 * (an HTTP/2 client sends WINDOW_UPDATEs all through a download). Closing the socket outright with
 * client bytes unread, or receiving some after it, makes the kernel answer with RST, and a client
 * that gets an RST drops what it had not yet read: the end of the response. So the output is shut
 * down instead (FIN after everything written), and what the client still sends is read and dropped
 * until it closes too, or the linger time runs out.
 */
public final class LingeringClose extends ChannelOutboundHandlerAdapter {
    private final long lingerMillis;

    public LingeringClose(Duration linger) {
        this.lingerMillis = linger.toMillis();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!(ctx.channel() instanceof DuplexChannel channel) || !channel.isActive() || channel.isOutputShutdown()) {
            ctx.close(promise);
            return;
        }
        // The client's EOF closes the channel (half-closure is off); the timer closes it otherwise.
        ScheduledFuture<?> timer = ctx.executor().schedule(() -> ctx.close(), lingerMillis, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> {
            timer.cancel(false);
            promise.trySuccess();
        });
        channel.shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                ctx.close();
            }
        });
    }
}
