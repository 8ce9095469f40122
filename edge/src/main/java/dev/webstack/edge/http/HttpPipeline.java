package dev.webstack.edge.http;

import dev.webstack.edge.config.LimitsConfig;
import dev.webstack.edge.log.AccessLog;
import dev.webstack.edge.log.AccessLogHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/** The HTTP steps of a pipeline, in their order, for an HTTP/1.x connection and for one HTTP/2 stream. */
public final class HttpPipeline {
    private HttpPipeline() {}

    public static void addHttp1(
            ChannelPipeline p,
            LimitsConfig limits,
            AccessLog accessLog,
            AtomicReference<VirtualHosts> hosts,
            Route.Transport transport,
            BooleanSupplier draining) {
        p.addLast("decoder", new StrictRequestDecoder(limits));
        p.addLast("encoder", new ResponseEncoder());
        if (accessLog != null) {
            p.addLast("access-log", new AccessLogHandler(accessLog, null));
        }
        p.addLast("timeouts", new TimeoutHandler(limits));
        p.addLast("limits", new LimitsHandler(limits));
        if (!transport.zeroCopy()) {
            p.addLast("chunked", new ChunkedWriteHandler());
        }
        p.addLast("request", new RequestHandler(hosts, transport, limits.keepaliveRequests(), draining));
    }

    public static void addHttp2Stream(
            ChannelPipeline p,
            LimitsConfig limits,
            AccessLog accessLog,
            AtomicReference<VirtualHosts> hosts,
            BooleanSupplier draining) {
        p.addLast("codec", new Http2StreamFrameToHttpObjectCodec(true));
        if (accessLog != null) {
            p.addLast("access-log", new AccessLogHandler(accessLog, "HTTP/2.0"));
        }
        p.addLast("limits", new LimitsHandler(limits));
        p.addLast("chunked", new ChunkedWriteHandler());
        // A stream carries one request; the connection's fate is HTTP/2's business (GOAWAY), not ours.
        p.addLast("request", new RequestHandler(hosts, Route.Transport.TLS, Integer.MAX_VALUE, () -> false));
    }
}
