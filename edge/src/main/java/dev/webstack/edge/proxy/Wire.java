package dev.webstack.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Iterator;
import java.util.Map;

/**
 * HTTP/1.1 bodies in wire form (RFC 9112), written straight into a buffer: chunk framing and trailer lines, for the
 * bodies the proxy relays without Netty's encoders (heads are put together by {@link HeadWriter}). Trailer names and
 * values go as the decoder read them, byte for byte (the decoder already refused what may not be in them).
 */
final class Wire {
    private static final short CRLF = ('\r' << 8) | '\n';
    private static final short COLON_SPACE = (':' << 8) | ' ';
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The largest piece of a body copied in after the bytes before it (a head, a chunk's size line) rather than
     * written as a buffer of its own: below this a copy costs less than one more buffer to write.
     */
    static final int COPY_LIMIT = 8 * 1024;

    private Wire() {}

    private static void header(ByteBuf out, CharSequence name, CharSequence value) {
        ByteBufUtil.writeAscii(out, name);
        out.writeShort(COLON_SPACE);
        ByteBufUtil.writeAscii(out, value);
        out.writeShort(CRLF);
    }

    /**
     * Copies what {@code data} holds to the end of {@code out}. Read from the source this way, as one memory copy: the
     * other way round Netty's adaptive buffers make a fresh NIO view of themselves for every copy.
     */
    static void append(ByteBuf out, ByteBuf data) {
        int n = data.readableBytes();
        out.ensureWritable(n);
        data.readBytes(out, n);
    }

    private static void crlf(ByteBuf out) {
        out.writeShort(CRLF);
    }

    /**
     * A piece of a body as a chunk (RFC 9112 section 7.1), followed by the last chunk and the trailers when
     * {@code trailers} is not null; takes over {@code data}. A small piece is copied into one buffer with its framing;
     * a large one goes as it is, between two small buffers.
     */
    static ByteBuf chunk(ByteBufAllocator alloc, ByteBuf data, HttpHeaders trailers) {
        int n = data.readableBytes();
        if (n <= COPY_LIMIT) {
            ByteBuf out = alloc.buffer(n + 16);
            if (n > 0) {
                chunkSize(out, n);
                append(out, data);
                crlf(out);
            }
            data.release();
            if (trailers != null) {
                lastChunk(out, trailers);
            }
            return out;
        }
        ByteBuf before = alloc.buffer(12);
        chunkSize(before, n);
        ByteBuf after = alloc.buffer(8);
        crlf(after);
        if (trailers != null) {
            lastChunk(after, trailers);
        }
        return alloc.compositeBuffer(3).addComponents(true, before, data, after);
    }

    /** A chunk's size line: the size in hex, CRLF. The chunk's data and its CRLF follow. */
    private static void chunkSize(ByteBuf out, int size) {
        int digits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(size) + 3) / 4);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(size >>> shift) & 0xf]);
        }
        out.writeShort(CRLF);
    }

    /** The last chunk, then the trailer fields, then the empty line that ends the body. */
    private static void lastChunk(ByteBuf out, HttpHeaders trailers) {
        out.writeByte('0');
        out.writeShort(CRLF);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = trailers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> trailer = it.next();
            header(out, trailer.getKey(), trailer.getValue());
        }
        out.writeShort(CRLF);
    }
}
