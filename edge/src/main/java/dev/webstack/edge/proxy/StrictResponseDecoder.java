package dev.webstack.edge.proxy;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * Reads upstream responses, refusing the ambiguous ones rather than guessing: a Content-Length beside chunked
 * Transfer-Encoding (RFC 9112 section 6.1 lets a recipient pick one; a proxy that forwards either reading can be
 * used to split responses) and duplicate Content-Lengths become a failed message, answered 502. It also knows
 * when a response has no body whatever its headers say: to HEAD, and 1xx, 204 and 304.
 */
final class StrictResponseDecoder extends HttpResponseDecoder {
    private boolean headRequest;

    StrictResponseDecoder(int maxHeaderSize) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(64 * 1024)
                .setAllowDuplicateContentLengths(false)
                // Header values are passed on as they came, and the line parser already refuses CR and LF in
                // them; checking each value's characters again costs every proxied response for nothing.
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false)));
    }

    /** The next response answers a HEAD request: it has no body. */
    void expectHeadResponse(boolean head) {
        this.headRequest = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        return headRequest || super.isContentAlwaysEmpty(msg);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("Content-Length beside Transfer-Encoding: chunked");
    }
}
