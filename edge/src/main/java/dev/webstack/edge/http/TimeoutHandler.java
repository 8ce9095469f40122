package dev.webstack.edge.http;

import dev.webstack.edge.config.LimitsConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The clocks of one HTTP/1.x connection, so that a slow or silent client costs a timer and a socket,
 * never a thread or another client's time:
 *
 * <pre>
 *   connect ──▶ HEAD  header-timeout: the whole request head must arrive, else 408 and close
 *   head decoded ──▶ BUSY  the response is ours to write; a client that stops reading for
 *                          send-timeout is closed
 *   last response byte written, nothing pipelined ──▶ IDLE  idle-timeout, else close quietly
 *   first byte of the next request ──▶ HEAD
 * </pre>
 *
 * One timer per connection, as in Netty's IdleStateHandler: a state change only moves a deadline,
 * and the timer, when it fires early, sleeps again for what is left. A keep-alive connection
 * serving request after request schedules nothing.
 */
final class TimeoutHandler extends ChannelDuplexHandler {
    private enum State { HEAD, BUSY, IDLE }

    private final long headerNanos;
    private final long idleNanos;
    private final long sendNanos;
    private State state = State.HEAD;
    private long deadline;
    private int pending; // requests decoded whose response is not yet fully written
    private long lastWriteProgress;
    private ScheduledFuture<?> timer;
    private long timerAt;
    private ChannelHandlerContext ctx;
    private final ChannelFutureListener written = f -> responseWritten(ctx);
    private boolean decodedThisRead; // the current socket read gave the decoder something whole

    TimeoutHandler(LimitsConfig limits) {
        this.headerNanos = limits.headerTimeout().toNanos();
        this.idleNanos = limits.idleTimeout().toNanos();
        this.sendNanos = limits.sendTimeout().toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            enter(ctx, State.HEAD, headerNanos);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (timer == null) {
            enter(ctx, State.HEAD, headerNanos);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        decodedThisRead = true;
        if (msg instanceof HttpRequest) {
            pending++;
            if (state != State.BUSY) {
                long now = System.nanoTime();
                lastWriteProgress = now;
                enter(ctx, State.BUSY, sendNanos, now);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Bytes arrived but no whole head yet (a partial request): its deadline starts now. A read
        // that brought a whole request, answered already, leaves the connection idle.
        if (state == State.IDLE && !decodedThisRead) {
            enter(ctx, State.HEAD, headerNanos);
        }
        decodedThisRead = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // A 1xx (a relayed 100 Continue) is whole but is not the response: the request goes on.
        boolean informational = msg instanceof io.netty.handler.codec.http.HttpResponse response
                && response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL;
        if ((msg instanceof LastHttpContent && !informational) || (msg instanceof RawResponse raw && raw.last())) {
            ChannelPromise p = promise.unvoid();
            p.addListener(written);
            ctx.write(msg, p);
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        lastWriteProgress = System.nanoTime();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void responseWritten(ChannelHandlerContext ctx) {
        if (pending > 0) {
            pending--;
        }
        if (pending == 0 && state == State.BUSY && ctx.channel().isActive()) {
            enter(ctx, State.IDLE, idleNanos);
        }
    }

    private void enter(ChannelHandlerContext ctx, State next, long nanos) {
        enter(ctx, next, nanos, System.nanoTime());
    }

    private void enter(ChannelHandlerContext ctx, State next, long nanos, long now) {
        state = next;
        deadline = now + nanos;
        if (timer == null || deadline - timerAt < 0) {
            schedule(ctx, nanos, now);
        }
    }

    private void schedule(ChannelHandlerContext ctx, long nanos, long now) {
        cancel();
        timerAt = now + nanos;
        timer = ctx.executor().schedule(() -> tick(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    private void tick(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        switch (state) {
            case HEAD -> {
                if (now - deadline >= 0) {
                    ctx.writeAndFlush(Responses.error(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT, false, false))
                            .addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                schedule(ctx, deadline - now, now);
            }
            case IDLE -> {
                if (now - deadline >= 0) {
                    ctx.close();
                    return;
                }
                schedule(ctx, deadline - now, now);
            }
            case BUSY -> {
                if (!ctx.channel().isWritable() && now - lastWriteProgress >= sendNanos) {
                    ctx.close(); // the client stopped reading what we send
                    return;
                }
                schedule(ctx, sendNanos, now);
            }
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
