package dev.webstack.edge.proxy;

import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.http.RawResponse;
import dev.webstack.edge.http.Responses;
import dev.webstack.edge.http.Route;
import dev.webstack.edge.upstream.UpstreamServer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One request proxied to an upstream pool, from the client's event loop, start to end:
 *
 * <pre>
 *   client ──head, body──▶ [pick server ─▶ pooled or new connection ─▶ write head + body] ──▶ upstream
 *   client ◀──head, body── [rewrite head, stream body, connection back to the pool]       ◀── upstream
 * </pre>
 *
 * Bodies stream in both directions without being held: when the upstream cannot take more of the request body,
 * the client is no longer read from; when the client cannot take more of the response, the upstream is not. A
 * request that never reached a server (refused, reset before anything was written) is tried on another, whatever
 * its method; an idempotent request (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) also when the server closed without a
 * response byte (a keep-alive connection the server had just dropped), if its body, when it has one, is at most
 * {@link #RETRY_BODY_LIMIT} (kept until then, as nginx keeps a body for {@code proxy_next_upstream}); nothing else
 * is retried. Before the response starts,
 * failures are answered 502 (refused, reset, garbage), 503 (no server available) or 504 (timeout); after, the
 * client's connection is closed, so a cut-off body never passes for a whole one.
 */
final class ProxyExchange implements Route.Exchange {
    private final ProxyRoute route;
    private final UpstreamConfig config;
    private final ChannelHandlerContext client;
    private final HttpRequest request;
    private final boolean keepAlive;
    private final ChannelPromise done;
    private final boolean head;
    /** Whether the request has a body; one without goes upstream whole, as one message with its head. */
    private final boolean hasBody;
    /** Whether the body goes upstream in chunks: as the client sent it, or because it came without a length. */
    private final boolean chunkedUpstream;
    private final boolean secure;
    /** The client's IP address as text, for the forwarding headers. */
    private final String clientAddress;
    /**
     * The largest request body kept to be sent again: a bigger one streams through and its request is not retried
     * once it reached a server (nginx's {@code client_body_buffer_size} on 64-bit systems is 16k; bodies of an
     * idempotent API call are commonly a few KiB).
     */
    static final int RETRY_BODY_LIMIT = 64 * 1024;

    /** Whether the request may go to another server after it reached one; false once its body outgrew the limit. */
    private boolean retryableAfterSending;
    /** Body bytes received so far, kept in {@link #pending} while the request is retryable. */
    private long bodyBytes;
    private final String hashKey;
    /** When the exchange began: the clock's one reading for a request that goes through at the first try. */
    private final long startNanos;
    private final long deadlineNanos;
    private final List<UpstreamServer> tried = new ArrayList<>(2);
    /**
     * Body received before a connection was ready, or kept to be sent again; made at the first such piece (a request
     * without a body never needs it).
     */
    private ArrayDeque<HttpContent> pending;

    private boolean firstTry = true;
    private UpstreamServer server;
    /** Whether this exchange still counts as a request on {@code server} (given back exactly once). */
    private boolean held;
    /** Whether the current connection came from the pool (so a close before any answer may be a stale one). */
    private boolean reused;
    private Channel upstream;
    private UpstreamHandler handler;
    private boolean bodyComplete;
    private boolean streamedBody;
    /** Whether the request's end has been written on the current connection (so it may be pooled after). */
    private boolean lastWritten;
    private boolean headWritten;
    private boolean responseStarted;
    private boolean skipInformationalEnd;
    /**
     * Whether the response goes to the client as bytes framed here ({@link RawResponse}: an HTTP/1.x connection),
     * or as HTTP objects (an HTTP/2 stream, whose codec frames them).
     */
    private final boolean raw;
    /**
     * The response head, held until the next thing the server sent (or the end of the read): a body that arrived
     * whole with it goes to the client in the same write. On an HTTP/1.x connection it is held in wire form, in
     * {@link #heldRaw}, with room for a small body to be copied in after it.
     */
    private HttpResponse heldHead;
    private ByteBuf heldRaw;
    /** The status of a raw response not yet written (0 once its first part is). */
    private int rawStatus;
    /** Whether the edge frames the raw response's body in chunks. */
    private boolean rawChunked;
    private boolean upstreamKeepAlive;
    private boolean finished;
    private boolean pausedClient;
    private boolean pausedUpstream;
    private HttpResponseStatus failureStatus = HttpResponseStatus.BAD_GATEWAY;
    private long sentAtNanos;
    private long lastReadNanos;

    ProxyExchange(ProxyRoute route, ChannelHandlerContext client, HttpRequest request, boolean keepAlive,
            Route.Transport transport, String hashKey) {
        this.route = route;
        this.config = route.upstream().config();
        this.client = client;
        this.request = request;
        this.keepAlive = keepAlive;
        this.done = client.newPromise();
        this.head = request.method() == HttpMethod.HEAD;
        // HTTP/1: a body has a length or chunks. HTTP/2: a request whose head did not end the stream has one,
        // with or without a length; one that did arrives whole (a full request) and is ended here.
        boolean http2 = client.channel() instanceof Http2StreamChannel;
        this.raw = !http2;
        boolean whole = request instanceof LastHttpContent;
        this.hasBody = http2 ? !whole
                : HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        // A request without a body is complete with its head, even before the decoder's (empty) end reaches us:
        // a pipelined one replayed after the request before it gets that end only after its own response.
        this.bodyComplete = whole || !hasBody;
        this.retryableAfterSending = isIdempotent(request.method())
                && (!hasBody || HttpUtil.getContentLength(request, -1L) <= RETRY_BODY_LIMIT);
        this.hashKey = hashKey;
        this.startNanos = System.nanoTime();
        this.deadlineNanos = startNanos + config.tryTimeout().toNanos();
        this.chunkedUpstream = hasBody && (HttpUtil.isTransferEncodingChunked(request)
                || !request.headers().contains(HttpHeaderNames.CONTENT_LENGTH));
        this.secure = transport.secure();
        this.clientAddress = transport.clientAddress();
    }

    ProxyExchange start() {
        tryNext(null);
        return this;
    }

    @Override
    public ChannelFuture done() {
        return done;
    }

    // ------------------------------------------------------------ choosing a server and connecting

    private void tryNext(String lastFailure) {
        if (finished) {
            return;
        }
        // The first try reads no clock of its own; a retry (after a failure, or on a pooled connection the server had
        // closed, which leaves tried empty again) reads it afresh.
        long now = firstTry ? startNanos : System.nanoTime();
        firstTry = false;
        if (!tried.isEmpty() && (tried.size() >= config.maxTries() || now - deadlineNanos > 0)) {
            fail(failureStatus, lastFailure);
            return;
        }
        UpstreamServer next = route.upstream().pick(hashKey, tried, now);
        if (next == null) {
            fail(tried.isEmpty() ? HttpResponseStatus.SERVICE_UNAVAILABLE : failureStatus,
                    tried.isEmpty() ? "no server of upstream " + config.name() + " is available" : lastFailure);
            return;
        }
        server = next;
        held = true;
        tried.add(next);
        Channel idle = route.pool().pollIdle(next, client.channel().eventLoop());
        if (idle != null) {
            reused = true;
            attach(idle, now);
            return;
        }
        reused = false;
        route.pool().connect(next, client.channel().eventLoop()).addListener((ChannelFuture f) -> {
            if (!client.channel().eventLoop().inEventLoop()) {
                // A connect that failed before it had a channel reports on another thread: come back first.
                client.channel().eventLoop().execute(() -> connected(f, next));
            } else {
                connected(f, next);
            }
        });
    }

    private void connected(ChannelFuture f, UpstreamServer next) {
        if (finished || server != next || !held) {
            if (f.isSuccess()) {
                f.channel().close();
            }
            return;
        }
        if (f.isSuccess()) {
            attach(f.channel(), System.nanoTime());
        } else {
            boolean timeout = f.cause() instanceof ConnectTimeoutException;
            failureStatus = timeout ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY;
            String why = "connect to " + next + " failed: " + f.cause().getMessage();
            releaseServer(false, why);
            tryNext(why);
        }
    }

    /**
     * Sends the request on {@code channel}: the head, then the body so far; the rest follows as it comes.
     *
     * @param now {@link System#nanoTime()} read just before
     */
    private void attach(Channel channel, long now) {
        upstream = channel;
        handler = (UpstreamHandler) channel.pipeline().last();
        handler.attach(this, head);
        channel.config().setAutoRead(true);
        ByteBuf requestHead = ForwardedHeaders.upstreamHead(channel.alloc(), request, clientAddress, secure,
                chunkedUpstream);
        lastWritten = !hasBody; // a request without a body is whole in its head
        if (!hasBody && retryableAfterSending) {
            // Reached or not, a failure sends this request to the next server: no need to learn when the write is
            // done. A failed write closes the connection, and upstreamClosed hears of it.
            headWritten = true;
            sentAtNanos = now;
            channel.writeAndFlush(requestHead, channel.voidPromise());
        } else {
            sendTracked(channel, requestHead);
        }
        resumeClientIfPaused();
    }

    /**
     * Writes the head and the body so far, and learns whether the head reached the server: a request whose head
     * did not may go to the next server whatever its method, its body still in hand.
     */
    private void sendTracked(Channel channel, ByteBuf requestHead) {
        ChannelFuture headWrite = channel.write(requestHead);
        if (pending != null) {
            for (HttpContent content : pending) {
                channel.write(upstreamBody(content, true));
                lastWritten |= content instanceof LastHttpContent;
            }
        }
        channel.flush();
        UpstreamServer on = server;
        headWrite.addListener(f -> {
            if (upstream != channel || finished) {
                return;
            }
            if (f.isSuccess()) {
                headWritten = true;
                if (!retryableAfterSending) {
                    releasePending(); // it reached a server: it will not be sent again
                }
                if (lastWritten) {
                    sentAtNanos = System.nanoTime(); // the response clock starts when the whole request is sent
                }
            } else {
                // Nothing reached the server: any request may go to the next one, its body still in hand.
                String why = "writing to " + on + " failed: " + f.cause().getMessage();
                dropUpstream();
                releaseServer(false, why);
                if (streamedBody) {
                    fail(HttpResponseStatus.BAD_GATEWAY, why);
                } else {
                    tryNext(why);
                }
            }
        });
    }

    // ------------------------------------------------------------ the request body, from the client

    @Override
    public void body(HttpContent content) {
        if (content instanceof LastHttpContent) {
            bodyComplete = true;
        }
        if (!hasBody) {
            content.release(); // the end of a request with no body: it went whole with its head
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (finished) {
            content.release();
            return;
        }
        if (upstream == null) {
            keep(content);
            pauseClient();
            return;
        }
        if (content instanceof LastHttpContent) {
            lastWritten = true;
            sentAtNanos = System.nanoTime();
        }
        if (retryableAfterSending && bodyBytes > RETRY_BODY_LIMIT) {
            // Too big to keep (a chunked or HTTP/2 body without a length): it streams from here, and the request
            // is not sent again once it reached a server.
            retryableAfterSending = false;
            if (headWritten) {
                releasePending();
            }
        }
        if (retryableAfterSending) {
            // A request that may go to another server: its body (or its end) is kept to be sent again.
            keep(content);
            upstream.writeAndFlush(upstreamBody(content, true), upstream.voidPromise());
            return;
        }
        streamedBody = true;
        upstream.writeAndFlush(upstreamBody(content, false), upstream.voidPromise());
        if (!upstream.isWritable()) {
            pauseClient();
        }
    }

    /** A piece of the request body in wire form: as it came, or as a chunk; {@code keep} leaves the piece ours. */
    private ByteBuf upstreamBody(HttpContent content, boolean keep) {
        ByteBuf data = keep ? content.content().retainedDuplicate() : content.content();
        if (!chunkedUpstream) {
            return data;
        }
        return Wire.chunk(upstream.alloc(), data,
                content instanceof LastHttpContent last ? last.trailingHeaders() : null);
    }

    private void pauseClient() {
        if (!pausedClient) {
            pausedClient = true;
            client.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void resumeBody() {
        if (!pausedClient && !finished) {
            client.channel().config().setAutoRead(true);
        }
    }

    private void resumeClientIfPaused() {
        if (pausedClient && upstream != null && upstream.isWritable()) {
            pausedClient = false;
            client.channel().config().setAutoRead(true);
        }
    }

    void upstreamWritabilityChanged() {
        resumeClientIfPaused();
    }

    // ------------------------------------------------------------ the response, from the upstream

    /**
     * What the server sent: a {@link ResponseHead} (the decoder's own, read from during this call and never kept), or
     * part of the body (HttpContent, whose ownership passes).
     */
    void upstreamRead(Object msg) {
        if (finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ResponseHead response) {
            responseHead(response);
            return;
        }
        HttpContent content = (HttpContent) msg;
        if (content.decoderResult().isFailure()) {
            String why = server + " sent a malformed response: " + content.decoderResult().cause().getMessage();
            content.release();
            dropUpstream();
            releaseServer(false, why);
            if (responseStarted) {
                abort(why);
            } else {
                fail(HttpResponseStatus.BAD_GATEWAY, why);
            }
            return;
        }
        responseBody(content);
    }

    private void responseHead(ResponseHead response) {
        int code = response.status();
        if (code == 101 && ForwardedHeaders.isWebSocketUpgrade(request) && !(client.channel() instanceof Http2StreamChannel)) {
            switchProtocols(response.toHttpResponse());
            return;
        }
        if (code >= 100 && code < 200) {
            // Informational: a 100 Continue the client asked for goes on; others (and 101: no upgrade was
            // forwarded) stop here. The decoder ends each with an empty last content, skipped too.
            skipInformationalEnd = true;
            if (code == 100 && HttpUtil.is100ContinueExpected(request)) {
                client.writeAndFlush(new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.CONTINUE));
            }
            return;
        }
        responseStarted = true;
        upstreamKeepAlive = response.keepAlive();
        boolean bodiless = head || code == 204 || code == 304;
        boolean chunked = response.chunked() && !bodiless;
        boolean http10 = request.protocolVersion() == HttpVersion.HTTP_1_0;
        // A request whose body is not all read yet cannot share its connection with the next request.
        boolean closeAfter = !keepAlive || !bodyComplete;
        if (!chunked && response.contentLength() < 0 && !bodiless) {
            // Framed by the end of the upstream connection: framed again for the client, in chunks, or (for an
            // HTTP/1.0 client, which knows no chunks) by the end of the client's connection.
            upstreamKeepAlive = false;
            if (http10) {
                closeAfter = true;
            } else {
                chunked = true;
            }
        }
        if (chunked && http10) {
            // An HTTP/1.0 client knows no chunks: the body goes as it is, and the end of the connection ends it.
            chunked = false;
            closeAfter = true;
        }
        if (closeAfter && keepAlive) {
            done.addListener(f -> client.close());
        }
        if (raw) {
            rawChunked = chunked;
            long length = response.contentLength();
            int room = !bodiless && length >= 0 && length <= Wire.COPY_LIMIT ? (int) length : 0;
            heldRaw = ForwardedHeaders.clientHead(client.alloc(), response, request.protocolVersion(), !closeAfter,
                    chunked, room);
            rawStatus = code;
        } else {
            heldHead = ForwardedHeaders.streamResponse(response);
        }
    }

    private void writeHeldHead() {
        if (heldHead != null) {
            client.write(heldHead);
            heldHead = null;
        } else if (heldRaw != null) {
            ByteBuf bytes = heldRaw;
            heldRaw = null;
            rawPart(bytes, 0, false, null);
        }
    }

    /**
     * A piece of the body to an HTTP/1.x client, after the head if that is still held: as it came, or as a chunk,
     * with the last chunk and the trailers at the end. A small piece is copied in after the held head, so a small
     * response that came whole goes out as one buffer in one write.
     */
    private void rawBody(HttpContent content, boolean last) {
        ByteBuf data = content.content();
        int n = data.readableBytes();
        if (n == 0 && !last) {
            content.release();
            return;
        }
        ByteBuf piece = !rawChunked ? data
                : Wire.chunk(client.alloc(), data, last ? ((LastHttpContent) content).trailingHeaders() : null);
        ByteBuf head = heldRaw;
        heldRaw = null;
        if (head != null && piece.readableBytes() <= Wire.COPY_LIMIT) {
            Wire.append(head, piece);
            piece.release();
            piece = head;
        } else if (head != null) {
            rawPart(head, 0, false, null);
        }
        rawPart(piece, n, last, last ? done : null);
    }

    /** Writes part of a raw response; the last part flushes and completes {@code promise}. */
    private void rawPart(ByteBuf bytes, long bodyBytes, boolean last, ChannelPromise promise) {
        RawResponse part = new RawResponse(bytes, rawStatus, bodyBytes, last);
        rawStatus = 0;
        if (last) {
            client.writeAndFlush(part, promise);
        } else {
            client.write(part);
        }
    }

    /**
     * The server agreed to a WebSocket upgrade: the 101 goes to the client, then both connections become one
     * byte stream ({@link Tunnel}). The server is released at once, so a drain does not wait on long-lived
     * sockets, and the connection never returns to the pool.
     */
    private void switchProtocols(HttpResponse response) {
        finished = true;
        responseStarted = true;
        releasePending();
        releaseServer(true, null);
        Channel channel = upstream;
        upstream = null; // the handler stays attached, so the 101's end (still in the decoder) is dropped, not fatal
        ForwardedHeaders.switchingResponse(response);
        DefaultFullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS, io.netty.buffer.Unpooled.EMPTY_BUFFER, response.headers(),
                io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        // The 101 is encoded as it is written, so the HTTP steps can leave at once, and the server's first bytes
        // (a greeting sent with the 101) flow into the tunnel rather than into a decoder that no longer applies.
        ChannelFuture written = client.writeAndFlush(switching);
        Tunnel.open(client.channel(), channel, config.idleTimeout());
        written.addListener(f -> {
            if (f.isSuccess()) {
                done.trySuccess();
            } else {
                channel.close();
                done.tryFailure(f.cause());
            }
        });
    }

    private void responseBody(HttpContent content) {
        if (skipInformationalEnd) {
            if (content instanceof LastHttpContent) {
                skipInformationalEnd = false;
            }
            content.release();
            return;
        }
        if (!(content instanceof LastHttpContent last)) {
            if (raw) {
                rawBody(content, false);
            } else {
                writeHeldHead();
                client.write(content);
            }
            if (!client.channel().isWritable() && !pausedUpstream) {
                pausedUpstream = true;
                upstream.config().setAutoRead(false);
            }
            return;
        }
        finished = true;
        if (raw) {
            rawBody(last, true);
        } else if (heldHead != null) {
            // The whole response came in one read: head and body go out as one message.
            HttpResponse whole = new DefaultFullHttpResponse(heldHead.protocolVersion(), heldHead.status(),
                    last.content(), heldHead.headers(), last.trailingHeaders());
            heldHead = null;
            client.writeAndFlush(whole, done); // the response's last write completes the exchange
        } else {
            client.writeAndFlush(last, done);
        }
        releaseServer(true, null);
        releasePending();
        resumeClientIfPausedForGood();
        boolean reusable = upstreamKeepAlive && lastWritten;
        Channel channel = upstream;
        handler.detach();
        upstream = null;
        if (pausedUpstream) {
            // An idle pooled connection must be read from, or the server closing it would go unnoticed.
            pausedUpstream = false;
            channel.config().setAutoRead(true);
        }
        if (reusable) {
            route.pool().release(server, channel);
        } else {
            channel.close();
        }
    }

    void upstreamReadComplete() {
        if (!finished && responseStarted) {
            lastReadNanos = System.nanoTime(); // once a read: the body's idle clock (a whole response never needs it)
            writeHeldHead();
            client.flush();
        }
    }

    @Override
    public void clientWritabilityChanged() {
        if (pausedUpstream && client.channel().isWritable() && upstream != null) {
            pausedUpstream = false;
            upstream.config().setAutoRead(true);
        }
    }

    // ------------------------------------------------------------ failures and the end

    void upstreamClosed(Throwable cause) {
        if (finished || upstream == null) {
            return;
        }
        String why = server + (cause == null ? " closed the connection" : " failed: " + cause.getMessage())
                + (responseStarted ? " in the middle of the response" : " before a response");
        boolean reached = headWritten;
        boolean stale = reused && !responseStarted;
        dropUpstream();
        if (stale) {
            // A pooled connection the server had closed while idle: not a failure of the server, which may
            // take the request again on a fresh connection.
            releaseServer(true, null);
            tried.remove(tried.size() - 1);
        } else {
            releaseServer(false, why);
        }
        if (responseStarted) {
            abort(why);
        } else if (!reached ? !streamedBody : retryableAfterSending) {
            tryNext(why);
        } else {
            fail(HttpResponseStatus.BAD_GATEWAY, why);
        }
    }

    /**
     * The upstream connection's idle timer fired (its period is the lesser of the response and idle timeouts):
     * 504 when the response head is later than the response timeout, a cut-off when the body has paused longer
     * than the idle timeout. One timer per connection, none per request.
     */
    void upstreamIdle() {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        if (pausedUpstream) {
            return; // quiet because the client is not reading: the client's send timeout is the judge, not this
        }
        if (!responseStarted) {
            if (headWritten && lastWritten && now - sentAtNanos >= config.responseTimeout().toNanos()) {
                String why = server + " sent no response within " + config.responseTimeout().toMillis() + " ms";
                dropUpstream();
                releaseServer(false, why);
                fail(HttpResponseStatus.GATEWAY_TIMEOUT, why);
            }
        } else if (now - lastReadNanos >= config.idleTimeout().toNanos()) {
            String why = server + " paused the response longer than " + config.idleTimeout().toMillis() + " ms";
            dropUpstream();
            releaseServer(false, why);
            abort(why);
        }
    }

    @Override
    public void clientClosed() {
        if (finished) {
            return;
        }
        finished = true;
        releasePending();
        dropHeldHead();
        if (upstream != null) {
            dropUpstream();
        }
        releaseServer(true, null);
        done.tryFailure(new IOException("the client closed the connection"));
    }

    /** Before the response started: answer with an error page, the request's fate decided. */
    private void fail(HttpResponseStatus status, String why) {
        finished = true;
        releasePending();
        route.log("proxy " + request.method() + " " + request.uri() + " → upstream " + config.name() + ": "
                + status.code() + ": " + why);
        boolean closeAfter = !keepAlive || !bodyComplete;
        ChannelFuture written = client.writeAndFlush(Responses.error(request.protocolVersion(), status, !closeAfter,
                head), done);
        if (closeAfter && keepAlive) {
            written.addListener(f -> client.close());
        }
        resumeClientIfPausedForGood();
    }

    /** After the response started: the client's connection (or HTTP/2 stream) is closed, the body visibly cut. */
    private void abort(String why) {
        finished = true;
        dropHeldHead(); // never sent: the closed connection says the response failed
        releasePending();
        route.log("proxy " + request.method() + " " + request.uri() + " → upstream " + config.name()
                + ": response cut off: " + why);
        client.close();
        done.tryFailure(new IOException(why));
    }

    private void resumeClientIfPausedForGood() {
        if (pausedClient) {
            pausedClient = false;
            client.channel().config().setAutoRead(true);
        }
    }

    private void dropUpstream() {
        if (upstream != null) {
            handler.detach();
            upstream.close();
            upstream = null;
        }
        headWritten = false;
    }

    private void dropHeldHead() {
        heldHead = null;
        if (heldRaw != null) {
            heldRaw.release();
            heldRaw = null;
        }
    }

    private void releaseServer(boolean ok, String failure) {
        if (held) {
            held = false;
            route.upstream().release(server, ok, failure);
        }
    }

    private void keep(HttpContent content) {
        if (pending == null) {
            pending = new ArrayDeque<>(2);
        }
        pending.add(content);
    }

    private void releasePending() {
        if (pending == null) {
            return;
        }
        for (HttpContent content : pending) {
            content.release();
        }
        pending.clear();
    }

    private static boolean isIdempotent(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
                || method == HttpMethod.PUT || method == HttpMethod.DELETE || method == HttpMethod.TRACE;
    }
}
