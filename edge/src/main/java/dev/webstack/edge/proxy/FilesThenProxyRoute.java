package dev.webstack.edge.proxy;

import dev.webstack.edge.file.StaticFileRoute;
import dev.webstack.edge.http.Route;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A site's files first, its upstream pool for the rest (nginx's {@code try_files $uri $uri/ @app}): a GET or HEAD
 * of a path that is a file (or a folder) is served from disk; everything else goes to the pool.
 */
public final class FilesThenProxyRoute implements Route {
    private final StaticFileRoute files;
    private final ProxyRoute proxy;

    public FilesThenProxyRoute(StaticFileRoute files, ProxyRoute proxy) {
        this.files = files;
        this.proxy = proxy;
    }

    @Override
    public Exchange serve(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, Transport transport) {
        return files.has(request) ? files.serve(ctx, request, keepAlive, transport)
                : proxy.serve(ctx, request, keepAlive, transport);
    }

    @Override
    public boolean readsBody() {
        return true;
    }
}
