package dev.webstack.edge.http;

import dev.webstack.edge.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import java.util.List;

/**
 * Netty's HTTP/1.x request decoder with every ambiguity refused (RFC 9112 §6.3, §2.2): a message
 * with both Transfer-Encoding and Content-Length, duplicate Content-Lengths, bare CR or LF in the
 * head, and obsolete line folding all become a failed message, which {@link LimitsHandler}
 * answers with 400 before closing. Two servers can't then read the same bytes two ways (request
 * smuggling).
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    // Netty joins an obs-fold line to the header before it; these watch the head's bytes for one.
    private boolean inBody; // from a request head to its last content
    private boolean requestLine = true; // still before the request line's end
    private boolean started; // the request line has begun
    private boolean lineStart; // the next head byte starts a header line
    private boolean emptyLine; // the header line so far has nothing but CR
    private boolean headDone;
    private boolean folded;
    private final ByteProcessor headScanner = this::scan;

    StrictRequestDecoder(LimitsConfig limits) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLine())
                .setMaxHeaderSize(limits.maxHeaderSize())
                .setMaxChunkSize(64 * 1024)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        int from = in.readerIndex();
        int first = out.size();
        super.decode(ctx, in, out);
        if (!inBody) {
            scanHead(in, from, in.readerIndex());
        }
        for (int i = first; i < out.size(); i++) {
            Object msg = out.get(i);
            if (msg instanceof HttpRequest request) {
                if (folded && request.decoderResult().isSuccess()) {
                    request.setDecoderResult(DecoderResult.failure(
                            new IllegalArgumentException("obsolete line folding in the request head")));
                }
                inBody = true;
                if (i + 1 < out.size() && out.get(i + 1) == LastHttpContent.EMPTY_LAST_CONTENT
                        && request.decoderResult().isSuccess()) {
                    // A request without a body goes on as one message, not a head and an empty end: one trip
                    // through the steps after this one instead of two.
                    msg = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                            Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
                    out.set(i, msg);
                    out.remove(i + 1);
                }
            }
            if (msg instanceof LastHttpContent) {
                inBody = false;
                requestLine = true;
                started = false;
                headDone = false;
                folded = false;
            }
        }
    }

    /** RFC 9112 §5.2: a header line that starts with a space or tab continues the one before. */
    private void scanHead(ByteBuf in, int from, int to) {
        if (!headDone && to > from) {
            in.forEachByte(from, to - from, headScanner);
        }
    }

    /** One byte of the head; false once the head's end is seen. */
    private boolean scan(byte b) {
        if (requestLine) {
            started |= (b & 0xff) > ' '; // empty lines before a request line are skipped (RFC 9112 §2.2)
            if (b == '\n' && started) {
                requestLine = false;
                lineStart = true;
                emptyLine = true;
            }
        } else if (b == '\n') {
            headDone = emptyLine;
            lineStart = true;
            emptyLine = true;
        } else {
            folded |= lineStart && (b == ' ' || b == '\t');
            lineStart = false;
            emptyLine &= b == '\r';
        }
        return !headDone;
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // Netty would drop the Content-Length and go on; an intermediary must not guess.
        throw new IllegalArgumentException("both Transfer-Encoding and Content-Length");
    }
}
