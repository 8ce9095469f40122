package dev.webstack.dns.server;

import dev.webstack.dns.config.DnsConfig;
import dev.webstack.dns.query.Responder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TCP pipeline, top to bottom: connection cap → two-byte length framing (RFC 1035 section 4.2.2) → idle
 * timeout (between whole queries) → {@link TcpQueryHandler}.
 */
final class DnsTcpInitializer extends ChannelInitializer<SocketChannel> {
    private final DnsConfig config;
    private final Responder responder;
    private final AtomicInteger open = new AtomicInteger();

    DnsTcpInitializer(DnsConfig config, Responder responder) {
        this.config = config;
        this.responder = responder;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (open.incrementAndGet() > config.maxTcpConnections()) {
            open.decrementAndGet();
            channel.close();
            return;
        }
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        // A client that sends queries and reads no answers stops being read from once 64 KiB of answers wait.
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(16 * 1024, 64 * 1024));
        long idle = config.tcpIdleTimeout().toMillis();
        channel.pipeline()
                .addLast(new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2))
                // After the framing: only a whole query resets the clock, so a client trickling bytes is closed.
                .addLast(new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS))
                .addLast(new LengthFieldPrepender(2))
                .addLast(new TcpQueryHandler(responder));
    }
}
