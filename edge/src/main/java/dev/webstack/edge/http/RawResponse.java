package dev.webstack.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * Part of an HTTP/1.x response already in wire form, head and framing included: what a route that relays bytes
 * (the proxy) writes instead of HTTP objects, so a response passes the codec without being taken apart and put
 * together again. It says what the steps after the codec need: the status (on the first part), how many of its
 * bytes are body (for the access log), and whether it ends the response (for the connection's clocks).
 */
public final class RawResponse extends DefaultByteBufHolder {
    private final int status;
    private final long bodyBytes;
    private final boolean last;

    /**
     * @param status the response's status code on its first part, 0 on the parts after it
     * @param bodyBytes how many of {@code bytes} are body rather than head or chunk framing
     * @param last whether this part ends the response
     */
    public RawResponse(ByteBuf bytes, int status, long bodyBytes, boolean last) {
        super(bytes);
        this.status = status;
        this.bodyBytes = bodyBytes;
        this.last = last;
    }

    public int status() {
        return status;
    }

    public long bodyBytes() {
        return bodyBytes;
    }

    public boolean last() {
        return last;
    }
}
