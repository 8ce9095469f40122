package dev.webstack.edge;

import dev.webstack.edge.config.EdgeConfig;
import dev.webstack.edge.config.LimitsConfig;
import dev.webstack.edge.http.ExceptionHandler;
import dev.webstack.edge.http.HttpPipeline;
import dev.webstack.edge.http.LingeringClose;
import dev.webstack.edge.http.Route;
import dev.webstack.edge.http.VirtualHosts;
import dev.webstack.edge.log.AccessLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Builds the pipeline of every accepted connection: the one place to read a request's way through
 * the edge, top to bottom.
 *
 * <pre>
 *   accept ─▶ connection limit ─▶ [TLS ─▶ ALPN: h2 | http/1.1]
 *     http/1.1: decoder/encoder ─▶ access log ─▶ timeouts ─▶ limits ─▶ [chunked writer] ─▶ virtual host ─▶ route
 *     h2:       frame codec ─▶ per stream: HTTP/1 objects ─▶ access log ─▶ limits ─▶ chunked writer ─▶ virtual host ─▶ route
 *   route = redirect | static files          any exception ─▶ error log, close this connection only
 * </pre>
 */
final class EdgeChannelInitializer extends ChannelInitializer<Channel> {
    /** How long a closing HTTP/2 connection waits for the client to close its side. */
    private static final Duration LINGER = Duration.ofSeconds(2);

    private final EdgeConfig config;
    private final SslContext ssl;
    private final AtomicReference<VirtualHosts> hosts;
    private final AccessLog accessLog;
    private final ExceptionHandler exceptions;
    private final ChannelGroup connections;
    private final AtomicInteger open;
    private final BooleanSupplier draining;

    EdgeChannelInitializer(
            EdgeConfig config,
            SslContext ssl,
            AtomicReference<VirtualHosts> hosts,
            AccessLog accessLog,
            ExceptionHandler exceptions,
            ChannelGroup connections,
            AtomicInteger open,
            BooleanSupplier draining) {
        this.config = config;
        this.ssl = ssl;
        this.hosts = hosts;
        this.accessLog = accessLog;
        this.exceptions = exceptions;
        this.connections = connections;
        this.open = open;
        this.draining = draining;
    }

    @Override
    protected void initChannel(Channel ch) {
        LimitsConfig limits = config.limits();
        if (open.incrementAndGet() > limits.maxConnections() || draining.getAsBoolean()) {
            open.decrementAndGet();
            ch.close(); // like nginx out of worker_connections: no answer, no cost to the others
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        connections.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (ssl == null) {
            http1(p, Route.Transport.PLAIN);
            return;
        }
        SslHandler tls = ssl.newHandler(ch.alloc());
        tls.setHandshakeTimeout(limits.headerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        p.addLast("tls", tls);
        p.addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    http2(ctx.pipeline());
                } else {
                    http1(ctx.pipeline(), Route.Transport.TLS);
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // a scanner or an old client: nothing to log per connection
            }
        });
    }

    private void http1(ChannelPipeline p, Route.Transport transport) {
        // A client still uploading when we answer and close (413, a body nobody reads) must see the
        // answer, not the RST that closing on unread bytes provokes.
        if (p.get("tls") != null) {
            p.addBefore("tls", "linger", new LingeringClose(LINGER));
        } else {
            p.addFirst("linger", new LingeringClose(LINGER));
        }
        HttpPipeline.addHttp1(p, config.limits(), accessLog, hosts, transport, draining);
        p.addLast("exceptions", exceptions);
    }

    private void http2(ChannelPipeline p) {
        LimitsConfig limits = config.limits();
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxHeaderListSize(limits.maxHeaderSize())
                .maxConcurrentStreams(128);
        p.addBefore("tls", "linger", new LingeringClose(LINGER)); // the client's WINDOW_UPDATEs must not turn the end into RST
        p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS) {
            @Override
            protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
                ctx.close();
            }
        });
        // On close, GOAWAY and let open streams finish within the grace (the builder's default, 0, cuts them).
        p.addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .gracefulShutdownTimeoutMillis(limits.shutdownGrace().toMillis())
                .build());
        p.addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                HttpPipeline.addHttp2Stream(stream.pipeline(), limits, accessLog, hosts, draining);
                stream.pipeline().addLast("exceptions", exceptions);
            }
        }));
        p.addLast("exceptions", exceptions);
    }
}
