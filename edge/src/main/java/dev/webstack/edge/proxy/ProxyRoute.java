package dev.webstack.edge.proxy;

import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.http.Route;
import dev.webstack.edge.upstream.ConnectionPool;
import dev.webstack.edge.upstream.Upstream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.function.Consumer;

/** A route that passes requests to an upstream pool: one {@link ProxyExchange} per request. */
public final class ProxyRoute implements Route {
    private final Upstream upstream;
    private final ConnectionPool pool;
    private final Consumer<String> log;

    public ProxyRoute(Upstream upstream, ConnectionPool pool, Consumer<String> log) {
        this.upstream = upstream;
        this.pool = pool;
        this.log = log;
    }

    @Override
    public Exchange serve(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, Transport transport) {
        return new ProxyExchange(this, ctx, request, keepAlive, transport, hashKey(transport, request)).start();
    }

    @Override
    public boolean readsBody() {
        return true;
    }

    public Upstream upstream() {
        return upstream;
    }

    ConnectionPool pool() {
        return pool;
    }

    void log(String message) {
        log.accept(message);
    }

    private String hashKey(Transport transport, HttpRequest request) {
        UpstreamConfig config = upstream.config();
        switch (config.balance()) {
            case CLIENT_HASH -> {
                return transport.clientAddress();
            }
            case COOKIE_HASH -> {
                String name = config.hashCookie().orElseThrow();
                for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
                    for (Cookie cookie : ServerCookieDecoder.LAX.decode(header)) {
                        if (cookie.name().equals(name)) {
                            return cookie.value();
                        }
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }
}
