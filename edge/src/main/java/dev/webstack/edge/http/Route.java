package dev.webstack.edge.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The last step of a request's way through the edge: what a virtual host does with it (a redirect,
 * static files, and later a proxy to an upstream pool).
 *
 * <p>The contract: {@link #serve} writes exactly one complete response for the request (error pages
 * included, through {@link Responses}), sets {@code Connection: close} on it when {@code keepAlive}
 * is false, and returns the future of its last write. It never closes the connection itself: the
 * {@link RequestHandler} does that after the returned future completes.
 */
public interface Route {
    ChannelFuture serve(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, Transport transport);

    /**
     * What the client's connection is, as far as a route cares.
     *
     * @param secure whether it came over TLS (redirects keep the scheme)
     * @param zeroCopy whether files can go with sendfile (plain HTTP/1.x: not TLS, not an HTTP/2 stream)
     */
    record Transport(boolean secure, boolean zeroCopy) {
        public static final Transport PLAIN = new Transport(false, true);
        public static final Transport TLS = new Transport(true, false);
    }
}
