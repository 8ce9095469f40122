package dev.webstack.edge.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request paths sent as raw bytes, not percent-encoded: UTF-8 names are found, other bytes refused. */
class RawBytePathTest {
    @TempDir
    Path tmp;

    private TestEdge edge;

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("café.html"), "coffee");
        edge = new TestEdge(tmp.resolve("data")).site(root, "a.test").start();
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    private RawHttpClient.Response get(byte[] path) throws Exception {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write("GET ".getBytes(StandardCharsets.US_ASCII));
        req.write(path);
        req.write(" HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        try (RawHttpClient c = new RawHttpClient(edge.httpPort())) {
            return c.send(req.toByteArray()).read();
        }
    }

    @Test
    void aRawUtf8NameIsTheSameFileAsItsPercentEncodedForm() throws Exception {
        RawHttpClient.Response encoded = get("/caf%C3%A9.html".getBytes(StandardCharsets.US_ASCII));
        assertThat(encoded.status()).isEqualTo(200);
        assertThat(encoded.bodyText()).isEqualTo("coffee");
        RawHttpClient.Response raw = get("/café.html".getBytes(StandardCharsets.UTF_8));
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.bodyText()).isEqualTo("coffee");
    }

    @Test
    void rawBytesThatAreNotUtf8AreRefused() throws Exception {
        assertThat(get(new byte[] {'/', (byte) 0xff, 'x'}).status()).isEqualTo(400);
        assertThat(get(new byte[] {'/', (byte) 0xc3}).status()).isEqualTo(400);
        assertThat(get("/caf%C3%A9.html".getBytes(StandardCharsets.US_ASCII)).status()).isEqualTo(200);
    }
}
