package dev.webstack.edge.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Sends every request to another host with 301, keeping the path and the query. With no port in
 * the target, the port the client used is kept, and so is the scheme ({@code foobar.com:8080/x} →
 * {@code http://www.foobar.com:8080/x}). With no host, it is the HTTP → HTTPS redirect.
 */
public final class RedirectRoute implements Route {
    private final String host;
    private final String scheme;
    private final int httpsPort;

    private RedirectRoute(String host, String scheme, int httpsPort) {
        this.host = host;
        this.scheme = scheme;
        this.httpsPort = httpsPort;
    }

    /** To another host, keeping the scheme; {@code target} is {@code host} or {@code host:port}. */
    public static RedirectRoute toHost(String target) {
        return new RedirectRoute(target, null, 0);
    }

    /** To the same host over HTTPS on {@code httpsPort}. */
    public static RedirectRoute toHttps(int httpsPort) {
        return new RedirectRoute(null, "https", httpsPort);
    }

    @Override
    public ChannelFuture serve(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, Transport transport) {
        String clientHost = request.headers().get(HttpHeaderNames.HOST, "");
        StringBuilder location = new StringBuilder(64);
        if (host == null) {
            location.append("https://").append(VirtualHosts.hostOf(clientHost));
            if (httpsPort != 443) {
                location.append(':').append(httpsPort);
            }
        } else {
            location.append(scheme != null ? scheme : transport.secure() ? "https" : "http").append("://").append(host);
            String port = VirtualHosts.portOf(clientHost);
            if (host.indexOf(':') < 0 && port != null) {
                location.append(':').append(port);
            }
        }
        String uri = request.uri();
        location.append(uri.startsWith("/") ? uri : "/");
        boolean head = request.method() == HttpMethod.HEAD;
        return ctx.writeAndFlush(Responses.redirect(request.protocolVersion(), location.toString(), keepAlive, head));
    }
}
