package dev.webstack.edge.file;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.file.EdgeClients.Clients;
import dev.webstack.edge.file.EdgeClients.Transport;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No request reads a file outside the site's root, however its path is spelled: climbing with
 * {@code ..} (plain, percent-encoded, overlong UTF-8, backslashes), NUL bytes, broken escapes and
 * symlinks out of the root are refused; dotfiles are hidden but {@code /.well-known/} is served.
 * The files beside the root hold a secret that must never appear in a response, and the server
 * keeps serving others after every attempt.
 */
class PathTraversalTest {
    private static final String SECRET = "TOP-SECRET-4f1d9c";
    private static final byte[] INDEX = "<!DOCTYPE html><h1>public</h1>\n".getBytes(UTF_8);

    @TempDir
    static Path base;

    private static Path root;
    private static TestEdge edge;
    private static Clients clients;

    @BeforeAll
    static void start() throws Exception {
        // base/secret.txt, base/etc/passwd, base/x: all beside the root, never to be served.
        Files.writeString(base.resolve("secret.txt"), SECRET + " secret.txt\n");
        Files.createDirectories(base.resolve("etc"));
        Files.writeString(base.resolve("etc/passwd"), SECRET + " passwd\n");
        Files.writeString(base.resolve("etc/index.html"), SECRET + " etc index\n");
        Files.writeString(base.resolve("x"), SECRET + " x\n");
        Files.writeString(base.resolve("b"), SECRET + " b\n");

        root = Files.createDirectories(base.resolve("site"));
        Files.write(root.resolve("index.html"), INDEX);
        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/inside.txt"), "inside\n");
        Files.writeString(root.resolve("b"), "public b\n");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/.hidden"), SECRET + " hidden\n");
        Files.writeString(root.resolve(".env"), SECRET + " env\n");
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), SECRET + " git\n");
        Files.createDirectories(root.resolve(".well-known"));
        Files.writeString(root.resolve(".well-known/x.txt"), "well known\n");
        Files.createSymbolicLink(root.resolve("leak.txt"), Path.of("../secret.txt"));
        Files.createSymbolicLink(root.resolve("leak-absolute.txt"), base.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("etc-link"), Path.of("../etc"));
        Files.createSymbolicLink(root.resolve("alias.txt"), Path.of("a/inside.txt"));
        Files.createSymbolicLink(root.resolve("a-link"), Path.of("a"));

        edge = new TestEdge(base.resolve("data")).site(root, "127.0.0.1", "localhost").start();
        clients = new Clients(edge);
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @AfterEach
    void serverStillServesANewConnection() throws IOException {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttpClient.Response r = raw.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(INDEX);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/../etc/passwd",
        "/../secret.txt",
        "/a/../../x",
        "/a/../../secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fetc%2fpasswd",
        "/%2e%2e%2fsecret.txt",
        "/..%5c..%5cetc",
        "/..%5csecret.txt",
        "/a\\..\\b",
        "/a\\..\\..\\secret.txt",
        "/index.html%00.txt",
        "/secret.txt%00",
        "/%zz",
        "/%",
        "/%2",
        "/%c0%ae%c0%ae/",
        "/%c0%ae%c0%ae/secret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/%c0%af..%c0%afsecret.txt",
        "/%u002e%u002e/secret.txt",
        "//../secret.txt",
        "/./../secret.txt",
        "/a/./../.././secret.txt",
        "/..;/secret.txt",
        "/....//secret.txt",
        "/etc-link/passwd",
        "/etc-link/",
        "/leak.txt",
        "/leak-absolute.txt",
        "http://127.0.0.1/../secret.txt",
        "http://127.0.0.1/%2e%2e/secret.txt",
        "../secret.txt",
        "secret.txt",
    })
    void pathOutsideTheRootIsRefused(String target) throws IOException {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttpClient.Response r = raw.read();

            assertThat(r.status()).as(target).isIn(400, 404);
            assertNoSecret(r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/.env", "/.git/config", "/.git/", "/sub/.hidden", "/%2eenv", "/sub/%2ehidden", "/.git/../.env"})
    void dotfilesAreNotFound(String target) throws IOException {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttpClient.Response r = raw.read();

            assertThat(r.status()).isEqualTo(404);
            assertNoSecret(r);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void wellKnownIsServed(Transport transport) {
        HttpResponse<byte[]> r = clients.get(transport, "/.well-known/x.txt");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), UTF_8)).isEqualTo("well known\n");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void symlinkOutOfTheRootIsNotFound(Transport transport) {
        for (String path : new String[] {"/leak.txt", "/leak-absolute.txt", "/etc-link/passwd", "/etc-link/"}) {
            HttpResponse<byte[]> r = clients.get(transport, path);

            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(new String(r.body(), UTF_8)).doesNotContain(SECRET);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void symlinkToAFileInsideTheRootIsServed(Transport transport) {
        HttpResponse<byte[]> file = clients.get(transport, "/alias.txt");
        HttpResponse<byte[]> folder = clients.get(transport, "/a-link/inside.txt");

        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(new String(file.body(), UTF_8)).isEqualTo("inside\n");
        assertThat(folder.statusCode()).isEqualTo(200);
        assertThat(new String(folder.body(), UTF_8)).isEqualTo("inside\n");
    }

    @Test
    void pathThatClimbsBackIntoTheRootIsServed() {
        // nginx resolves ".." before looking: this names a file inside the root.
        HttpResponse<byte[]> r = clients.get("/a/../b");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), UTF_8)).isEqualTo("public b\n");
    }

    @Test
    void refusalsPipelinedOnOneConnectionKeepItInStep() throws IOException {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            raw.send("GET /leak.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /.env HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /etc-link/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /%2e%2e/secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            for (int i = 0; i < 3; i++) {
                RawHttpClient.Response r = raw.read();
                assertThat(r.status()).isEqualTo(404);
                assertNoSecret(r);
            }
            assertThat(raw.read().body()).isEqualTo(INDEX);
            RawHttpClient.Response last = raw.read();
            assertThat(last.status()).isEqualTo(400);
            assertNoSecret(last);
        }
    }

    private static void assertNoSecret(RawHttpClient.Response r) {
        assertThat(new String(r.body(), ISO_8859_1)).doesNotContain(SECRET);
        assertThat(r.headers().toString()).doesNotContain(SECRET);
    }
}
