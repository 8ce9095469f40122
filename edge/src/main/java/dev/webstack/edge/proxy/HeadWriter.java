package dev.webstack.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;

/**
 * A message head being put together, in a byte array that each thread keeps and reuses: its pieces go in with plain
 * array stores, then the whole head goes into the buffer that is sent with one copy. Written piece by piece into a
 * pooled direct buffer, each piece cost a bounds check and an address computation of its own.
 *
 * <p>One head at a time per thread: {@link #start} takes the thread's writer, {@link #finish} gives the head out.
 */
final class HeadWriter {
    private static final FastThreadLocal<HeadWriter> LOCAL = new FastThreadLocal<>() {
        @Override
        protected HeadWriter initialValue() {
            return new HeadWriter();
        }
    };

    private byte[] bytes = new byte[1024];
    private int length;

    private HeadWriter() {}

    /** This thread's writer, emptied. */
    static HeadWriter start() {
        HeadWriter writer = LOCAL.get();
        writer.length = 0;
        return writer;
    }

    HeadWriter bytes(byte[] piece) {
        return bytes(piece, 0, piece.length);
    }

    HeadWriter bytes(byte[] piece, int from, int n) {
        ensure(n);
        System.arraycopy(piece, from, bytes, length, n);
        length += n;
        return this;
    }

    /** Text of single-byte characters, as Netty writes it (a character above U+00FF becomes '?'). */
    HeadWriter ascii(CharSequence text) {
        if (text instanceof AsciiString ascii) {
            return bytes(ascii.array(), ascii.arrayOffset(), ascii.length());
        }
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = AsciiString.c2b(text.charAt(i));
        }
        return this;
    }

    HeadWriter ascii(byte b) {
        ensure(1);
        bytes[length++] = b;
        return this;
    }

    /** A header line: the name, ": ", the value, CR LF. */
    HeadWriter header(CharSequence name, CharSequence value) {
        return name(name).ascii(value).crlf();
    }

    /** A header line's start: the name and ": ". */
    HeadWriter name(CharSequence name) {
        ascii(name);
        ensure(2);
        bytes[length++] = ':';
        bytes[length++] = ' ';
        return this;
    }

    HeadWriter crlf() {
        ensure(2);
        bytes[length++] = '\r';
        bytes[length++] = '\n';
        return this;
    }

    /** The head in a buffer of its own, with {@code room} more bytes free after it (a small body to follow). */
    ByteBuf finish(ByteBufAllocator alloc, int room) {
        ByteBuf out = alloc.buffer(length + room);
        out.writeBytes(bytes, 0, length);
        return out;
    }

    private void ensure(int n) {
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
        }
    }
}
