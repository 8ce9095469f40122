package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upstream decoder reads the same responses however the bytes are cut into reads: whole, split at every
 * position, one byte at a time. Run on Netty's in-memory channel, which drives the real decoder as a socket's
 * reads would.
 */
class UpstreamResponseDecoderTest {

    static Stream<Arguments> conversations() {
        return Stream.of(
                Arguments.of("a length and a second response", false,
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello"
                                + "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno",
                        "head 200 [Content-Length, X-A] | body hello | end | head 404 [Content-Length] | body no | end"),
                Arguments.of("chunks, an extension and trailers", false,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\nContent-Length: 9\r\n\r\n",
                        "head 200 [Transfer-Encoding] | body hello world | end trailers [X-Sum]"),
                Arguments.of("a 100 Continue before the response", false,
                        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
                        "head 100 [] | end | head 201 [Content-Length] | end"),
                Arguments.of("lone LF line ends and a 204", false,
                        "HTTP/1.1 204 No Content\nX-A: 1\n\nHTTP/1.0 200 OK\nContent-Length: 2\n\nok",
                        "head 204 [X-A] | end | head 200 [Content-Length] | body ok | end"),
                Arguments.of("a chunked answer to HEAD", true,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                        "head 200 [Transfer-Encoding] | end"),
                Arguments.of("a bad chunk size after a good chunk", false,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\nSECRET\r\n0\r\n\r\n",
                        "head 200 [Transfer-Encoding] | body ok | failed: an invalid chunk size"),
                Arguments.of("a chunk without its CR LF", false,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n",
                        "head 200 [Transfer-Encoding] | body ok | failed: a chunk without its CR LF"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void theSameResponsesWhateverTheReads(String name, boolean head, String wire, String expected) {
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(decode(head, bytes, bytes.length)).as("in one read").isEqualTo(expected);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertThat(decode(head, bytes, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
        assertThat(decode(head, bytes, -1)).as("a byte at a time").isEqualTo(expected);
    }

    @Test
    void aBodyFramedByTheEndOfTheConnectionEndsThere() {
        byte[] bytes = "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nuntil the end".getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < bytes.length; cut++) {
            EmbeddedChannel channel = channel(new UpstreamResponseDecoder(8192));
            channel.writeInbound(Unpooled.copiedBuffer(bytes, 0, cut));
            channel.writeInbound(Unpooled.copiedBuffer(bytes, cut, bytes.length - cut));
            channel.finish();
            assertThat(joinBodies(drain(channel))).as("cut at %d", cut)
                    .isEqualTo("head 200 [X-A] | body until the end | end");
        }
    }

    /** Feeds {@code bytes} in two reads cut at {@code cut} (-1: a byte a read) and describes what came out. */
    private static String decode(boolean head, byte[] bytes, int cut) {
        UpstreamResponseDecoder decoder = new UpstreamResponseDecoder(8192);
        decoder.expectHeadResponse(head);
        EmbeddedChannel channel = channel(decoder);
        if (cut < 0) {
            for (byte b : bytes) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            channel.writeInbound(Unpooled.copiedBuffer(bytes, 0, cut));
            channel.writeInbound(Unpooled.copiedBuffer(bytes, cut, bytes.length - cut));
        }
        String seen = drain(channel);
        channel.finishAndReleaseAll();
        return joinBodies(seen);
    }

    /** Body pieces split by the reads, joined: what matters is the bytes between the ends. */
    private static String joinBodies(String seen) {
        String joined = seen;
        String before;
        do {
            before = joined;
            joined = joined.replaceFirst("(body [^|]*?) \\| body ", "$1");
        } while (!joined.equals(before));
        return joined;
    }

    /**
     * The decoder, then a handler that describes each head as it is passed on: the decoder reads every head into the
     * same object, valid only until it reads the next, so a head is looked at when it comes, as the proxy does.
     */
    private static EmbeddedChannel channel(UpstreamResponseDecoder decoder) {
        return new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ResponseHead h) {
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < h.fieldCount(); i++) {
                        names.add(h.name(i));
                    }
                    ctx.fireChannelRead("head " + h.status() + " " + names);
                } else {
                    ctx.fireChannelRead(msg);
                }
            }
        });
    }

    private static String drain(EmbeddedChannel channel) {
        List<String> seen = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            if (msg instanceof String head) {
                seen.add(head);
                continue;
            }
            HttpContent content = (HttpContent) msg;
            try {
                if (content.decoderResult().isFailure()) {
                    seen.add("failed: " + content.decoderResult().cause().getMessage());
                    continue;
                }
                if (content.content().isReadable()) {
                    seen.add("body " + content.content().toString(StandardCharsets.ISO_8859_1));
                }
                if (content instanceof LastHttpContent last) {
                    seen.add(last.trailingHeaders().isEmpty() ? "end" : "end trailers " + last.trailingHeaders().names());
                }
            } finally {
                content.release();
            }
        }
        return String.join(" | ", seen);
    }
}
