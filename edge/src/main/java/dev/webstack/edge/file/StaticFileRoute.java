package dev.webstack.edge.file;

import dev.webstack.edge.config.FilesConfig;
import dev.webstack.edge.config.SiteConfig;
import dev.webstack.edge.http.Responses;
import dev.webstack.edge.http.Route;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves one site's files the way nginx does: GET and HEAD; index file and the slash redirect for
 * folders; ETag / Last-Modified with 304s; one byte range (206 / 416); precompressed {@code .br} /
 * {@code .gz} siblings and on-the-fly gzip, with {@code Vary}; small files from memory, big ones
 * zero-copy (sendfile) on plain HTTP and in chunks under TLS and HTTP/2.
 */
public final class StaticFileRoute implements Route {
    private static final AsciiString BYTES = AsciiString.cached("bytes");
    private static final AsciiString GZIP = AsciiString.cached("gzip");
    private static final AsciiString BR = AsciiString.cached("br");
    private static final AsciiString ALLOW = AsciiString.cached("GET, HEAD");
    private static final int CHUNK = 16 * 1024;

    private final FileCache cache;
    private final String cacheControl;

    public StaticFileRoute(SiteConfig site, FilesConfig files, AtomicLong memoryUsed) {
        try {
            this.cache = new FileCache(site.root().orElseThrow(), site.index(), files, memoryUsed);
        } catch (IOException e) {
            throw new UncheckedIOException("site root " + site.root().orElseThrow() + " cannot be opened", e);
        }
        this.cacheControl = site.cacheControl().orElse(null);
    }

    @Override
    public Exchange serve(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, Transport transport) {
        return Exchange.of(respond(ctx, request, keepAlive, transport));
    }

    /**
     * Whether a GET or HEAD of this request's path finds something here (a file, or a folder to add a slash
     * to), for a site that sends what is no file to an upstream pool.
     */
    public boolean has(HttpRequest request) {
        HttpMethod method = request.method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return false;
        }
        String uri = request.uri();
        int q = uri.indexOf('?');
        FileLookup.Kind kind = cache.lookup(q < 0 ? uri : uri.substring(0, q)).kind();
        return kind == FileLookup.Kind.FILE || kind == FileLookup.Kind.ADD_SLASH;
    }

    private ChannelFuture respond(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive,
            Transport transport) {
        HttpVersion version = request.protocolVersion();
        HttpMethod method = request.method();
        boolean head = method == HttpMethod.HEAD;
        if (method != HttpMethod.GET && !head) {
            var r = Responses.error(version, HttpResponseStatus.METHOD_NOT_ALLOWED, keepAlive, false);
            r.headers().set(HttpHeaderNames.ALLOW, ALLOW);
            return ctx.writeAndFlush(r);
        }
        String uri = request.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        FileLookup lookup = cache.lookup(rawPath);
        switch (lookup.kind()) {
            case FILE:
                return file(ctx, request, lookup.file(), keepAlive, transport, head);
            case ADD_SLASH:
                // Leading slashes merge (as in nginx): "//sub/" would send the browser to the host "sub".
                int from = 0;
                while (from + 1 < rawPath.length() && rawPath.charAt(from + 1) == '/') {
                    from++;
                }
                String location = rawPath.substring(from) + "/" + (q < 0 ? "" : uri.substring(q));
                return ctx.writeAndFlush(Responses.redirect(version, location, keepAlive, head));
            case BAD_REQUEST:
                return ctx.writeAndFlush(Responses.error(version, HttpResponseStatus.BAD_REQUEST, keepAlive, head));
            case FORBIDDEN:
                return ctx.writeAndFlush(Responses.error(version, HttpResponseStatus.FORBIDDEN, keepAlive, head));
            default:
                return ctx.writeAndFlush(Responses.error(version, HttpResponseStatus.NOT_FOUND, keepAlive, head));
        }
    }

    private ChannelFuture file(
            ChannelHandlerContext ctx,
            HttpRequest request,
            FileEntry file,
            boolean keepAlive,
            Transport transport,
            boolean head) {
        HttpHeaders in = request.headers();
        HttpVersion version = request.protocolVersion();
        String range = in.get(HttpHeaderNames.RANGE);
        boolean varies = file.compressible || file.br != null || file.gz != null;

        // Pick the representation: a precompressed sibling, the gzipped bytes, or the file itself.
        FileEntry rep = file;
        ByteBuf gzipped = null;
        AsciiString encoding = null;
        String etag = file.etag;
        String acceptEncoding = varies && range == null ? in.get(HttpHeaderNames.ACCEPT_ENCODING) : null;
        if (acceptEncoding != null) {
            if (file.br != null && AcceptEncoding.accepts(acceptEncoding, "br")) {
                rep = file.br;
                encoding = BR;
                etag = rep.etag;
            } else if (AcceptEncoding.accepts(acceptEncoding, "gzip")) {
                if (file.gz != null) {
                    rep = file.gz;
                    encoding = GZIP;
                    etag = rep.etag;
                } else if ((gzipped = cache.gzipped(file)) != null) {
                    encoding = GZIP;
                    etag = "W/" + file.etag; // nginx too weakens the tag of what it compresses
                }
            }
        }

        HttpHeaders out = Responses.headers(version, keepAlive);
        out.add(HttpHeaderNames.ETAG, etag);
        out.add(HttpHeaderNames.LAST_MODIFIED, rep.lastModified);
        if (cacheControl != null) {
            out.add(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        }
        if (varies) {
            out.add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        }
        if (Preconditions.notModified(
                in.get(HttpHeaderNames.IF_NONE_MATCH), in.get(HttpHeaderNames.IF_MODIFIED_SINCE), etag, rep.mtimeMillis)) {
            return ctx.writeAndFlush(Responses.full(version, HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER, out));
        }
        out.add(HttpHeaderNames.CONTENT_TYPE, file.contentType);
        if (encoding != null) {
            out.add(HttpHeaderNames.CONTENT_ENCODING, encoding);
        } else {
            out.add(HttpHeaderNames.ACCEPT_RANGES, BYTES);
        }

        long first = 0;
        long length = gzipped != null ? gzipped.readableBytes() : rep.size;
        HttpResponseStatus status = HttpResponseStatus.OK;
        if (range != null && Preconditions.rangeApplies(in.get(HttpHeaderNames.IF_RANGE), etag, rep.mtimeMillis)) {
            long[] r = ByteRanges.parse(range, rep.size);
            if (r == ByteRanges.UNSATISFIABLE) {
                var e = Responses.error(version, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, keepAlive, head);
                e.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + rep.size);
                return ctx.writeAndFlush(e);
            }
            if (r != ByteRanges.IGNORE) {
                status = HttpResponseStatus.PARTIAL_CONTENT;
                first = r[0];
                length = r[1] - r[0] + 1;
                out.add(HttpHeaderNames.CONTENT_RANGE, "bytes " + r[0] + "-" + r[1] + "/" + rep.size);
            }
        }
        out.add(HttpHeaderNames.CONTENT_LENGTH, length);

        if (head) {
            return ctx.writeAndFlush(Responses.full(version, status, Unpooled.EMPTY_BUFFER, out));
        }
        ByteBuf bytes = gzipped != null ? gzipped : rep.content;
        if (bytes != null) {
            ByteBuf body = status == HttpResponseStatus.OK ? bytes.duplicate() : bytes.slice((int) first, (int) length);
            return ctx.writeAndFlush(Responses.full(version, status, body, out));
        }
        return fromDisk(ctx, version, status, out, rep, first, length, keepAlive, transport.zeroCopy());
    }

    private static ChannelFuture fromDisk(
            ChannelHandlerContext ctx,
            HttpVersion version,
            HttpResponseStatus status,
            HttpHeaders headers,
            FileEntry rep,
            long first,
            long length,
            boolean keepAlive,
            boolean zeroCopy) {
        if (zeroCopy) {
            OpenFile file;
            try {
                file = rep.retainOpenFile();
            } catch (IOException e) {
                // Gone between the cache's look and now: as if the lookup had said so.
                return ctx.writeAndFlush(Responses.error(version, HttpResponseStatus.NOT_FOUND, keepAlive, false));
            }
            ctx.write(new DefaultHttpResponse(version, status, headers));
            ctx.write(file.region(first, length));
            return ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        // Under TLS or HTTP/2 the bytes pass through the JVM anyway: chunks read from a descriptor of their own.
        FileChannel channel;
        try {
            channel = FileChannel.open(rep.path, StandardOpenOption.READ);
        } catch (IOException e) {
            return ctx.writeAndFlush(Responses.error(version, HttpResponseStatus.NOT_FOUND, keepAlive, false));
        }
        ctx.write(new DefaultHttpResponse(version, status, headers));
        try {
            return ctx.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(channel, first, length, CHUNK)));
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing what could not be used
            }
            throw new UncheckedIOException(e);
        }
    }

    /** Drops every cached lookup (used when the site is reloaded). */
    public void clearCache() {
        cache.clear();
    }
}
