package dev.webstack.edge.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The last step of a request's way through the edge: what a virtual host does with it (a redirect, static files,
 * a proxy to an upstream pool).
 *
 * <p>The contract: {@link #serve} starts exactly one complete response for the request (error pages included,
 * through {@link Responses}), sets {@code Connection: close} on it when {@code keepAlive} is false, and returns
 * the {@link Exchange}: the receiver of the request's body and the future of the response's last write. It never
 * closes the connection itself: the {@link RequestHandler} does that after that future completes (a route may
 * fail the future, or close the channel, to abort a response it cannot finish).
 */
public interface Route {
    Exchange serve(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, Transport transport);

    /**
     * Whether this route reads request bodies (a proxy does). A route that does not leaves them unread, and a
     * connection whose request carried a body is closed after the response rather than read on.
     */
    default boolean readsBody() {
        return false;
    }

    /**
     * What the client's connection is, as far as a route cares.
     *
     * @param secure whether it came over TLS (redirects keep the scheme)
     * @param zeroCopy whether files can go with sendfile (plain HTTP/1.x: not TLS, not an HTTP/2 stream)
     * @param clientAddress the client's IP address as text, or null before {@link #of} (or when it has none)
     */
    record Transport(boolean secure, boolean zeroCopy, String clientAddress) {
        public static final Transport PLAIN = new Transport(false, true, null);
        public static final Transport TLS = new Transport(true, false, null);

        /** This transport as one connection's, with its client's address (an HTTP/2 stream's is its connection's). */
        public Transport of(Channel channel) {
            SocketAddress address = channel.remoteAddress();
            if (address == null && channel.parent() != null) {
                address = channel.parent().remoteAddress();
            }
            return new Transport(secure, zeroCopy,
                    address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : null);
        }
    }

    /** One request being answered: where its body goes, and when its response is done. */
    interface Exchange {
        /** The future of the response's last write. */
        ChannelFuture done();

        /** The next piece of the request's body; ownership passes. Routes that read no bodies drop it. */
        default void body(HttpContent content) {
            content.release();
        }

        /**
         * A streaming route's request waited behind another and its turn came with part of its body still unread:
         * reading from the client is this exchange's to resume now (unless it holds it paused itself).
         */
        default void resumeBody() {
        }

        /** The client's connection became writable again, or stopped being so (for streaming routes). */
        default void clientWritabilityChanged() {
        }

        /** The client's connection closed before the response was done. */
        default void clientClosed() {
        }

        /** An exchange whose response is one write, already under way. */
        static Exchange of(ChannelFuture done) {
            return () -> done;
        }
    }
}
