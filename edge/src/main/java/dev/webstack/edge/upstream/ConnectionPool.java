package dev.webstack.edge.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keep-alive connections to an upstream's servers, kept per event loop: a request is served on its client's
 * event loop from end to end, its upstream connection included, so no request ever hops threads and the pool
 * needs no locks. Idle connections are reused most recent first; beyond {@code keepalive} per server they close.
 */
public final class ConnectionPool {
    private final Class<? extends SocketChannel> channelType;
    private final ChannelHandler initializer;
    private final int keepalive;
    private final int connectTimeoutMillis;
    private final FastThreadLocal<Map<UpstreamServer, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<UpstreamServer, ArrayDeque<Channel>> initialValue() {
            return new IdentityHashMap<>();
        }
    };

    /**
     * @param initializer builds a new connection's pipeline
     * @param keepalive idle connections kept per server and event loop
     */
    public ConnectionPool(Class<? extends SocketChannel> channelType, ChannelHandler initializer, int keepalive,
            Duration connectTimeout) {
        this.channelType = channelType;
        this.initializer = initializer;
        this.keepalive = keepalive;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    }

    /** An idle connection to {@code server} on this event loop, or null; call on {@code loop}. */
    public Channel pollIdle(UpstreamServer server, EventLoop loop) {
        ArrayDeque<Channel> channels = idle.get().get(server);
        while (channels != null && !channels.isEmpty()) {
            Channel channel = channels.pollLast();
            if (channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    /** A new connection to {@code server}, on {@code loop}. */
    public ChannelFuture connect(UpstreamServer server, EventLoop loop) {
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(initializer)
                .connect(server.address());
        // Runs on the connection's own loop, whose idle list it may hold: an idle connection that closes (its idle
        // timeout, or the server hanging up) leaves the list at once rather than at the next poll.
        Channel channel = connecting.channel();
        channel.closeFuture().addListener(closed -> forget(server, channel));
        return connecting;
    }

    /**
     * Closes the idle connections to a server taken out of the upstream, on every loop, and forgets the server, so
     * that servers come and go (rolling deploys) without idle connections or map entries left behind.
     */
    public void evict(UpstreamServer server, EventExecutorGroup loops) {
        for (EventExecutor loop : loops) {
            loop.execute(() -> {
                ArrayDeque<Channel> channels = idle.get().remove(server);
                if (channels != null) {
                    List.copyOf(channels).forEach(Channel::close);
                }
            });
        }
    }

    /** Idle connections to {@code server} kept on the calling event loop (for tests). */
    int idleCount(UpstreamServer server) {
        ArrayDeque<Channel> channels = idle.get().get(server);
        return channels == null ? 0 : channels.size();
    }

    private void forget(UpstreamServer server, Channel channel) {
        Map<UpstreamServer, ArrayDeque<Channel>> byServer = idle.get();
        ArrayDeque<Channel> channels = byServer.get(server);
        if (channels != null) {
            channels.remove(channel);
            if (channels.isEmpty() && server.state() == ServerState.REMOVED) {
                byServer.remove(server);
            }
        }
    }

    /** Gives back a connection that finished an exchange cleanly; call on its event loop. */
    public void release(UpstreamServer server, Channel channel) {
        if (!channel.isActive() || server.state() == ServerState.REMOVED) {
            channel.close();
            return;
        }
        Map<UpstreamServer, ArrayDeque<Channel>> byServer = idle.get();
        ArrayDeque<Channel> channels = byServer.computeIfAbsent(server, s -> new ArrayDeque<>());
        if (channels.size() >= keepalive) {
            channel.close();
            return;
        }
        channels.addLast(channel);
    }
}
