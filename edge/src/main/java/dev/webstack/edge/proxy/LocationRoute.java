package dev.webstack.edge.proxy;

import dev.webstack.edge.http.Route;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A site whose path prefixes go to their own routes (upstream pools); the longest prefix wins, else the site's. */
public final class LocationRoute implements Route {
    private final List<Map.Entry<String, Route>> prefixes;
    private final Route fallback;

    /** @param fallback the site's own route, for paths no prefix matches */
    public LocationRoute(Map<String, Route> prefixes, Route fallback) {
        this.prefixes = new ArrayList<>(prefixes.entrySet());
        this.prefixes.sort(Comparator.comparingInt((Map.Entry<String, Route> e) -> e.getKey().length()).reversed());
        this.fallback = fallback;
    }

    @Override
    public Exchange serve(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, Transport transport) {
        String uri = request.uri();
        for (Map.Entry<String, Route> prefix : prefixes) {
            if (uri.startsWith(prefix.getKey())) {
                return prefix.getValue().serve(ctx, request, keepAlive, transport);
            }
        }
        return fallback.serve(ctx, request, keepAlive, transport);
    }

    @Override
    public boolean readsBody() {
        return true;
    }
}
