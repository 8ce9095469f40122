package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a server's Connection header says of the connection's fate and of the headers that stay on its hop. */
class ResponseHeadTest {

    @Test
    void eachFieldIsKnownByItsNameWhateverItsCaseInAResponseOrARequest() {
        String[] names = {"TRANSFER-ENCODING", "connection", "Server", "DATE", "Keep-Alive", "Proxy-Connection",
            "TE", "Trailer", "Upgrade", "Proxy-Authenticate", "Proxy-Authorization", "X-Te", "Dates", "Servers",
            "Content-Type", "Upgrade-Insecure-Requests"};
        FieldKind[] kinds = {FieldKind.TRANSFER_ENCODING, FieldKind.CONNECTION, FieldKind.SERVER, FieldKind.DATE,
            FieldKind.HOP_BY_HOP, FieldKind.HOP_BY_HOP, FieldKind.HOP_BY_HOP, FieldKind.HOP_BY_HOP,
            FieldKind.HOP_BY_HOP, FieldKind.HOP_BY_HOP, FieldKind.HOP_BY_HOP, FieldKind.OTHER, FieldKind.OTHER,
            FieldKind.OTHER, FieldKind.OTHER, FieldKind.OTHER};
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (String name : names) {
            head.append(name).append(": ").append(name.equals("TRANSFER-ENCODING") ? "chunked" : "x").append("\r\n");
        }
        ResponseHead parsed = parse(head.append("\r\n").toString());
        assertThat(parsed.fieldCount()).isEqualTo(names.length);
        for (int i = 0; i < names.length; i++) {
            assertThat(parsed.kind(i)).as(names[i]).isEqualTo(kinds[i]);
            assertThat(FieldKind.of(names[i])).as("%s as a request's header name", names[i]).isEqualTo(kinds[i]);
        }
        assertThat(parse("HTTP/1.1 200 OK\r\ncontent-LENGTH: 3\r\n\r\n").kind(0)).isEqualTo(FieldKind.CONTENT_LENGTH);
    }

    private static ResponseHead parse(String head) {
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        return new ResponseHead(bytes, bytes.length);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 |                                      | true  | ''",
        "HTTP/1.1 | Connection: keep-alive               | true  | ''",
        "HTTP/1.1 | Connection: close                    | false | ''",
        "HTTP/1.1 | Connection: CLOSE                    | false | ''",
        "HTTP/1.0 |                                      | false | ''",
        "HTTP/1.0 | Connection: Keep-Alive               | true  | ''",
        "HTTP/1.1 | Connection: keep-alive, X-Secret     | true  | x-secret",
        "HTTP/1.1 | Connection: X-A;Connection: close    | false | x-a",
        "HTTP/1.1 | Connection: close, X-A;Connection: X-B | false | x-a,x-b",
        "HTTP/1.1 | Connection: Content-Length, Host     | true  | ''",
        "HTTP/1.0 | Connection: keep-alivex              | false | keep-alivex",
    })
    void theConnectionHeaderDecidesReuseAndNamesHopByHopFields(String version, String fields, boolean keepAlive,
            String tokens) {
        StringBuilder head = new StringBuilder(version + " 200 OK\r\nContent-Length: 0\r\n");
        if (fields != null) {
            for (String field : fields.split(";")) {
                head.append(field).append("\r\n");
            }
        }
        ResponseHead parsed = parse(head.append("\r\n").toString());
        assertThat(parsed.keepAlive()).isEqualTo(keepAlive);
        assertThat(parsed.connectionTokens()).isEqualTo(tokens.isEmpty() ? List.of() : List.of(tokens.split(",")));
    }

    @Test
    void aReusedHeadKeepsNothingOfTheOneBefore() {
        ResponseHead head = new ResponseHead();
        read(head, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close, X-A\r\n\r\n");
        assertThat(head.chunked()).isTrue();
        assertThat(head.keepAlive()).isFalse();
        assertThat(head.connectionTokens()).containsExactly("x-a");

        // chunked would clash with this Content-Length if it were left over
        String big = "x".repeat(600); // past the array the head started with
        read(head, "HTTP/1.0 404 Gone\r\nContent-Length: 7\r\nConnection: keep-alive\r\nX-Big: " + big + "\r\n\r\n");
        assertThat(head.status()).isEqualTo(404);
        assertThat(head.chunked()).isFalse();
        assertThat(head.contentLength()).isEqualTo(7);
        assertThat(head.keepAlive()).isTrue();
        assertThat(head.connectionTokens()).isEmpty();
        assertThat(head.fieldCount()).isEqualTo(3);
        assertThat(head.value(2)).isEqualTo(big);

        read(head, "HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(head.status()).isEqualTo(204);
        assertThat(head.fieldCount()).isZero();
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(head.keepAlive()).isTrue();
    }

    /** Reads {@code text} into {@code head} from a buffer that holds a byte more, which must stay unread. */
    private static void read(ResponseHead head, String text) {
        ByteBuf in = Unpooled.copiedBuffer(text + "!", StandardCharsets.ISO_8859_1);
        head.read(in, text.length());
        assertThat(in.readableBytes()).isEqualTo(1);
        in.release();
    }
}
