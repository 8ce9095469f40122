package dev.webstack.edge.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The last inbound step: picks the virtual host by the Host header (or an absolute request target),
 * hands the request to its {@link Route}, and decides the connection's fate. A connection stays
 * open after a response only when the client wants it (RFC 9112 §9.3), the request carried no body
 * that nobody read, it has served fewer than keepalive-requests, and the server is not draining.
 */
public final class RequestHandler extends ChannelInboundHandlerAdapter {
    private final AtomicReference<VirtualHosts> hosts;
    /** The listener's transport, then (from the first request) this connection's, with the client's address. */
    private Route.Transport transport;
    private boolean transportOfConnection;
    private final int keepaliveRequests;
    private final BooleanSupplier draining;
    private int served;
    private boolean closing;
    private boolean inBody;
    private int inFlight;
    /** The exchange whose response is being written, if it streams (a proxy's); it gets the body, too. */
    private Route.Exchange current;
    private boolean currentStreams;
    private boolean bodyToCurrent;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private final ChannelFutureListener responseDone = f -> {
        inFlight--;
        boolean wasCurrent = current != null && current.done() == f;
        if (wasCurrent) {
            current = null;
        }
        if (!f.isSuccess()) {
            // A response that failed (a proxied body cut off by its upstream) leaves the connection unusable.
            ctx.close();
            return;
        }
        if (wasCurrent && (!queued.isEmpty() || !ctx.channel().config().isAutoRead())) {
            replayQueued(); // the next request's turn, or reading again once none waits
        }
        if (inFlight == 0 && draining() && !closing) { // when closing, the last response closes after it
            ctx.close();
        }
    };

    public RequestHandler(
            AtomicReference<VirtualHosts> hosts, Route.Transport transport, int keepaliveRequests, BooleanSupplier draining) {
        this.hosts = hosts;
        this.transport = transport;
        this.keepaliveRequests = keepaliveRequests;
        this.draining = draining;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    private boolean draining() {
        return draining.getAsBoolean();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (current != null && currentStreams && !inBody && msg instanceof HttpObject) {
            // A pipelined request behind one still being proxied: answers must go out in order (RFC 9112
            // section 9.3.2), so it waits, and nothing more is read until its turn (at most one read's worth).
            queued.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (closing) {
                ReferenceCountUtil.release(msg); // pipelined after a response that closes the connection
                return;
            }
            handle(ctx, request);
            inBody = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpContent content) {
            if (msg instanceof LastHttpContent) {
                inBody = false;
            }
            if (bodyToCurrent && current != null) {
                current.body(content);
            } else {
                // A route that reads no bodies: what follows the head is dropped (and the connection
                // closes after the response, see hasBody).
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void handle(ChannelHandlerContext ctx, HttpRequest request) {
        if (!transportOfConnection) {
            transport = transport.of(ctx.channel());
            transportOfConnection = true;
        }
        served++;
        bodyToCurrent = false;
        boolean keepAlive = HttpUtil.isKeepAlive(request)
                && served < keepaliveRequests
                && !draining();
        String host = request.headers().get(HttpHeaderNames.HOST);
        String uri = request.uri();
        if (!uri.startsWith("/")) {
            // Absolute form (RFC 9112 §3.2.2): its authority wins over the Host header.
            int scheme = uri.indexOf("://");
            if (scheme < 0 || request.method() == HttpMethod.CONNECT) {
                boolean asterisk = uri.equals("*") && request.method() == HttpMethod.OPTIONS;
                send(ctx, ctx.writeAndFlush(Responses.error(
                        request.protocolVersion(),
                        asterisk ? HttpResponseStatus.NOT_IMPLEMENTED : HttpResponseStatus.BAD_REQUEST,
                        false,
                        false)), false);
                return;
            }
            int slash = uri.indexOf('/', scheme + 3);
            host = uri.substring(scheme + 3, slash < 0 ? uri.length() : slash);
            request.setUri(slash < 0 ? "/" : uri.substring(slash));
            request.headers().set(HttpHeaderNames.HOST, host);
        }
        Route route = hosts.get().route(host);
        if (route == null || !route.readsBody()) {
            keepAlive &= !hasBody(request);
        }
        if (route == null) {
            boolean head = request.method() == HttpMethod.HEAD;
            send(ctx, ctx.writeAndFlush(Responses.error(request.protocolVersion(), HttpResponseStatus.NOT_FOUND, keepAlive, head)), keepAlive);
            return;
        }
        Route.Exchange exchange = route.serve(ctx, request, keepAlive, transport);
        ChannelFuture done = exchange.done();
        if (!done.isDone()) {
            current = exchange;
            currentStreams = route.readsBody();
            bodyToCurrent = currentStreams;
        }
        send(ctx, done, keepAlive);
        if (!ctx.channel().isWritable() && !(ctx.channel() instanceof Http2StreamChannel)) {
            // A client that pipelines requests but does not read the answers: stop reading from it
            // until what we owe it drains, so its queued responses cannot grow without bound.
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.clientWritabilityChanged();
        }
        // While a streaming route takes the body, reading is its to pause and resume (upload backpressure).
        boolean bodyOwned = inBody && bodyToCurrent && current != null;
        if (ctx.channel().isWritable() && !ctx.channel().config().isAutoRead() && !bodyOwned) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            current.clientClosed();
        }
        ctx.fireChannelInactive();
    }

    private void send(ChannelHandlerContext ctx, ChannelFuture last, boolean keepAlive) {
        if (!keepAlive) {
            closing = true;
            last.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        inFlight++;
        last.addListener(responseDone);
    }

    /** The requests that waited behind a proxied one, now in order; reading resumes once none waits. */
    private void replayQueued() {
        // A replayed request takes the body queued behind its head; the next request waits for its turn again.
        while (!queued.isEmpty() && (current == null || inBody)) {
            channelRead(ctx, queued.poll());
        }
        if (queued.isEmpty() && !closing && ctx.channel().isWritable()) {
            boolean bodyUnread = current != null && inBody;
            if (current == null || (bodyUnread && !currentStreams)) {
                ctx.channel().config().setAutoRead(true);
            } else if (bodyUnread) {
                current.resumeBody(); // a streaming route paces the rest of its body itself
            }
        }
        ctx.flush();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        while (!queued.isEmpty()) {
            ReferenceCountUtil.release(queued.poll());
        }
    }

    private static boolean hasBody(HttpRequest request) {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    /**
     * Called on the channel's event loop when the server stops: an idle connection closes now, a
     * busy one after its last response.
     */
    public void drain() {
        if (inFlight == 0 && !inBody && !closing && ctx != null) {
            ctx.close();
        }
    }
}
