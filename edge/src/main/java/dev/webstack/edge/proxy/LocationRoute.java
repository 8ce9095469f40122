package dev.webstack.edge.proxy;

import dev.webstack.edge.file.RequestPath;
import dev.webstack.edge.http.Responses;
import dev.webstack.edge.http.Route;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /**
     * Matches the normalised path, as nginx does, so that {@code /api/../admin} is not sent to the {@code /api/}
     * pool and {@code /%61pi/x} is; the request goes on with its target as the client sent it. A path that cannot
     * be normalised (a broken escape, climbing above the root) is answered 400.
     */
    @Override
    public Exchange serve(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, Transport transport) {
        Optional<String> normalized = RequestPath.normalized(request.uri());
        if (normalized.isEmpty()) {
            return Exchange.of(ctx.writeAndFlush(Responses.error(request.protocolVersion(),
                    HttpResponseStatus.BAD_REQUEST, false, request.method().equals(HttpMethod.HEAD))));
        }
        String path = normalized.get();
        for (Map.Entry<String, Route> prefix : prefixes) {
            if (path.startsWith(prefix.getKey())) {
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
