package dev.webstack.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the responses of an upstream connection, refusing what could be read two ways rather than guessing
 * (RFC 9112): a Content-Length beside a Transfer-Encoding, two Content-Lengths, a transfer coding other than
 * chunked alone, a folded or malformed header line, a bare CR, a head over the size limit, a bad chunk size or a
 * chunk without its CR LF. Per response it emits a {@link ResponseHead} (the same object each time, read again for
 * each response: valid until the next is decoded, which is after it has been passed on), then the body in pieces of
 * at most 64 KiB
 * ({@code HttpContent}), the last a {@code LastHttpContent} (with the trailers of a chunked body). A body framed by
 * the end of the connection ends there; one cut short (by its length or its chunks) emits no end, so the exchange
 * sees the connection close in the middle. What cannot be read ends as a {@code LastHttpContent} whose decoder
 * result failed, and nothing after it on the connection is read. A response to HEAD, a 1xx, 204 and 304 have no
 * body, whatever their headers say; after a 101 the bytes pass on as they are.
 */
final class UpstreamResponseDecoder extends ByteToMessageDecoder {
    private static final int MAX_PIECE = 64 * 1024;
    /** The longest chunk-size line taken: the size, extensions and all. */
    private static final int MAX_CHUNK_LINE = 4096;
    /** A status line put before a trailer section, to read its fields by the rules of a head's. */
    private static final byte[] STATUS_FOR_TRAILERS = "HTTP/1.1 200\r\n".getBytes(StandardCharsets.US_ASCII);

    private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, UPGRADED, FAILED }

    private final int maxHeadSize;
    /** Every head of this connection is read into this one, passed on before the next is read. */
    private final ResponseHead reusedHead = new ResponseHead();
    private boolean headRequest;
    private State state = State.HEAD;
    private long remaining;
    /** How much of a head (or trailer section) still arriving was searched for its end already. */
    private int scanned;

    UpstreamResponseDecoder(int maxHeadSize) {
        this.maxHeadSize = maxHeadSize;
    }

    /** The next response answers a HEAD request: it has no body. */
    void expectHeadResponse(boolean head) {
        this.headRequest = head;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            switch (state) {
                case HEAD -> head(in, out);
                case LENGTH -> piece(in, out, true);
                case CHUNK_SIZE -> chunkSize(in);
                case CHUNK_DATA -> piece(in, out, false);
                case CHUNK_END -> chunkEnd(in);
                case TRAILERS -> trailers(in, out);
                case UNTIL_CLOSE -> out.add(new DefaultHttpContent(in.readRetainedSlice(Math.min(in.readableBytes(),
                        MAX_PIECE))));
                case UPGRADED -> out.add(in.readRetainedSlice(in.readableBytes()));
                case FAILED -> in.skipBytes(in.readableBytes());
            }
        } catch (IllegalArgumentException e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            LastHttpContent failure = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
            failure.setDecoderResult(DecoderResult.failure(e));
            out.add(failure);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (state == State.UNTIL_CLOSE) {
            state = State.HEAD;
            out.add(LastHttpContent.EMPTY_LAST_CONTENT); // the end of the connection is the end of the body
        } else if (state == State.HEAD && in.isReadable()) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            LastHttpContent failure = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
            failure.setDecoderResult(DecoderResult.failure(
                    new IllegalArgumentException("the connection closed in the middle of the head")));
            out.add(failure);
        }
    }

    private void head(ByteBuf in, List<Object> out) {
        // Empty lines before a status line (after a body whose server counted its length wrong) are skipped.
        while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
            in.skipBytes(1);
        }
        int end = headEnd(in);
        if (end < 0) {
            if (in.readableBytes() > maxHeadSize) {
                throw new IllegalArgumentException("a response head over " + maxHeadSize + " bytes");
            }
            return; // not all here yet
        }
        if (end - in.readerIndex() > maxHeadSize) {
            throw new IllegalArgumentException("a response head over " + maxHeadSize + " bytes");
        }
        ResponseHead head = reusedHead;
        head.read(in, end - in.readerIndex());
        out.add(head);
        int status = head.status();
        if (status == 101) {
            state = State.UPGRADED;
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        } else if (headRequest || status < 200 || status == 204 || status == 304) {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        } else if (head.chunked()) {
            state = State.CHUNK_SIZE;
        } else if (head.contentLength() > 0) {
            remaining = head.contentLength();
            state = State.LENGTH;
        } else if (head.contentLength() == 0) {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            state = State.UNTIL_CLOSE;
        }
    }

    /**
     * The index just past the empty line that ends the head starting at the reader index, or -1. A head arriving in
     * many small reads is searched once, not again from its start at each read.
     */
    private int headEnd(ByteBuf in) {
        int from = in.readerIndex() + Math.max(0, scanned - 2);
        int end = in.writerIndex();
        while (true) {
            int lf = in.indexOf(from, end, (byte) '\n');
            if (lf < 0) {
                scanned = in.readableBytes();
                return -1;
            }
            if (lf + 1 < end && in.getByte(lf + 1) == '\n') {
                scanned = 0;
                return lf + 2;
            }
            if (lf + 2 < end && in.getByte(lf + 1) == '\r' && in.getByte(lf + 2) == '\n') {
                scanned = 0;
                return lf + 3;
            }
            from = lf + 1;
        }
    }

    /** Up to 64 KiB of a body of known length (the last piece ends the response), or of a chunk. */
    private void piece(ByteBuf in, List<Object> out, boolean whole) {
        int n = (int) Math.min(Math.min(remaining, in.readableBytes()), MAX_PIECE);
        if (n == 0) {
            return;
        }
        remaining -= n;
        ByteBuf data = in.readRetainedSlice(n);
        if (remaining > 0) {
            out.add(new DefaultHttpContent(data));
        } else if (whole) {
            state = State.HEAD;
            out.add(new DefaultLastHttpContent(data, EmptyHttpHeaders.INSTANCE)); // no trailers: none to make
        } else {
            state = State.CHUNK_END;
            out.add(new DefaultHttpContent(data));
        }
    }

    /** chunk-size [ chunk-ext ] CRLF (RFC 9112 section 7.1): hex digits, then extensions, which are dropped. */
    private void chunkSize(ByteBuf in) {
        int from = in.readerIndex();
        int lf = in.indexOf(from, Math.min(in.writerIndex(), from + MAX_CHUNK_LINE), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() >= MAX_CHUNK_LINE) {
                throw new IllegalArgumentException("a chunk-size line over " + MAX_CHUNK_LINE + " bytes");
            }
            return;
        }
        long size = 0;
        int i = from;
        for (; i < lf; i++) {
            int digit = Character.digit((char) (in.getByte(i) & 0xff), 16);
            if (digit < 0) {
                break;
            }
            if (i - from == 15) {
                throw new IllegalArgumentException("a chunk size too large");
            }
            size = size * 16 + digit;
        }
        int lineEnd = lf > from && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        byte after = i < lineEnd ? in.getByte(i) : (byte) ';';
        if (i == from || (i < lineEnd && after != ';' && after != ' ' && after != '\t')
                || in.indexOf(from, lineEnd, (byte) '\r') >= 0) {
            throw new IllegalArgumentException("an invalid chunk size");
        }
        in.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    private void chunkEnd(ByteBuf in) {
        int at = in.readerIndex();
        if (in.getByte(at) == '\n') {
            in.skipBytes(1);
        } else if (in.readableBytes() < 2) {
            return;
        } else if (in.getByte(at) == '\r' && in.getByte(at + 1) == '\n') {
            in.skipBytes(2);
        } else {
            throw new IllegalArgumentException("a chunk without its CR LF");
        }
        state = State.CHUNK_SIZE;
    }

    /** The trailer section after the last chunk, up to its empty line: the response's end. */
    private void trailers(ByteBuf in, List<Object> out) {
        int at = in.readerIndex();
        if (in.readableBytes() >= 1 && in.getByte(at) == '\n'
                || in.readableBytes() >= 2 && in.getByte(at) == '\r' && in.getByte(at + 1) == '\n') {
            in.skipBytes(in.getByte(at) == '\n' ? 1 : 2);
            state = State.HEAD;
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            return;
        }
        int end = headEnd(in);
        if (end < 0) {
            if (in.readableBytes() > maxHeadSize) {
                throw new IllegalArgumentException("trailers over " + maxHeadSize + " bytes");
            }
            return;
        }
        // Read as a head's fields: a status line made up for them, so the same rules apply.
        byte[] section = Arrays.copyOf(STATUS_FOR_TRAILERS, STATUS_FOR_TRAILERS.length + end - at);
        in.readBytes(section, STATUS_FOR_TRAILERS.length, end - at);
        ResponseHead fields = new ResponseHead(section, section.length);
        HttpHeaders trailers = DefaultHttpHeadersFactory.trailersFactory().withValidation(false).newHeaders();
        for (int i = 0; i < fields.fieldCount(); i++) {
            // Framing fields have no place in trailers (RFC 9110 section 6.5.1): they stay here.
            if (!fields.nameIs(i, HttpHeaderNames.CONTENT_LENGTH)
                    && !fields.nameIs(i, HttpHeaderNames.TRANSFER_ENCODING)
                    && !fields.nameIs(i, HttpHeaderNames.TRAILER)) {
                trailers.add(fields.name(i), fields.value(i));
            }
        }
        state = State.HEAD;
        out.add(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
    }
}
