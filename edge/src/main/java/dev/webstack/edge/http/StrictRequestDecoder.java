package dev.webstack.edge.http;

import dev.webstack.edge.config.LimitsConfig;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's HTTP/1.x request decoder with every ambiguity refused (RFC 9112 §6.3, §2.2): a message
 * with both Transfer-Encoding and Content-Length, duplicate Content-Lengths, bare CR or LF in the
 * head, and obsolete line folding all become a failed message, which {@link LimitsHandler}
 * answers with 400 before closing. Two servers can't then read the same bytes two ways (request
 * smuggling).
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
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
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // Netty would drop the Content-Length and go on; an intermediary must not guess.
        throw new IllegalArgumentException("both Transfer-Encoding and Content-Length");
    }
}
