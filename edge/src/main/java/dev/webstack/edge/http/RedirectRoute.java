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
    private final String fallbackHost;

    private RedirectRoute(String host, String scheme, int httpsPort, String fallbackHost) {
        this.host = host;
        this.scheme = scheme;
        this.httpsPort = httpsPort;
        this.fallbackHost = fallbackHost;
    }

    /** To another host, keeping the scheme; {@code target} is {@code host} or {@code host:port}. */
    public static RedirectRoute toHost(String target) {
        return new RedirectRoute(target, null, 0, null);
    }

    /**
     * To the same host over HTTPS on {@code httpsPort}; a request without a usable Host (HTTP/1.0,
     * or one that is not a host name) goes to {@code fallbackHost}.
     */
    public static RedirectRoute toHttps(int httpsPort, String fallbackHost) {
        return new RedirectRoute(null, "https", httpsPort, fallbackHost);
    }

    @Override
    public Exchange serve(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, Transport transport) {
        String clientHost = request.headers().get(HttpHeaderNames.HOST, "");
        StringBuilder location = new StringBuilder(64);
        if (host == null) {
            String h = VirtualHosts.hostOf(clientHost);
            // The client's Host goes into Location: only a plain name or address, never "evil.test/x@".
            location.append("https://").append(isHostName(h) ? h : fallbackHost);
            if (httpsPort != 443) {
                location.append(':').append(httpsPort);
            }
        } else {
            location.append(scheme != null ? scheme : transport.secure() ? "https" : "http").append("://").append(host);
            String port = VirtualHosts.portOf(clientHost);
            if (host.indexOf(':') < 0 && port != null && port.chars().allMatch(Character::isDigit)) {
                location.append(':').append(port);
            }
        }
        String uri = request.uri();
        location.append(uri.startsWith("/") ? uri : "/");
        boolean head = request.method() == HttpMethod.HEAD;
        return Exchange.of(ctx.writeAndFlush(Responses.redirect(request.protocolVersion(), location.toString(), keepAlive, head)));
    }

    private static boolean isHostName(String h) {
        if (h.isEmpty()) {
            return false;
        }
        if (h.startsWith("[")) {
            return h.endsWith("]") && h.chars().allMatch(c -> c == '[' || c == ']' || c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        }
        return h.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
    }
}
