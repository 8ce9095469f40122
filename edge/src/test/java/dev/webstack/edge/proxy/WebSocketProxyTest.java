package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.config.UpstreamServerConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A WebSocket upgrade goes through the edge, and then messages flow both ways through the tunnel. */
class WebSocketProxyTest {
    @TempDir
    Path dir;

    @Test
    void aWebSocketEchoWorksThroughTheProxy() throws Exception {
        try (EchoServer echo = new EchoServer();
                TestEdge edge = new TestEdge(dir)
                        .upstream(UpstreamConfig.of("ws", List.of(UpstreamServerConfig.of("127.0.0.1", echo.port()))))
                        .proxy("ws", "ws.test")
                        .defaultHost("ws.test")
                        .start()) {
            LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + edge.httpPort() + "/chat"), new WebSocket.Listener() {
                        private final StringBuilder message = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            message.append(data);
                            if (last) {
                                received.add(message.toString());
                                message.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
            for (int i = 0; i < 5; i++) {
                socket.sendText("message " + i, true).get(10, TimeUnit.SECONDS);
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo: message " + i);
            }
            String big = "x".repeat(200_000);
            socket.sendText(big, true).get(10, TimeUnit.SECONDS);
            String echoed = received.poll(10, TimeUnit.SECONDS);
            assertThat(echoed).isNotNull();
            assertThat(echoed.length()).isEqualTo(big.length() + "echo: ".length());
            assertThat(echoed.equals("echo: " + big)).isTrue();
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            assertThat(echo.upgradeRequest()).contains("upgrade: websocket", "x-forwarded-for: 127.0.0.1");
        }
    }

    @Test
    void aTunnelInWhichNothingHappensIsClosedAfterTheIdleTimeout() throws Exception {
        try (EchoServer echo = new EchoServer();
                TestEdge edge = new TestEdge(dir)
                        .upstream(UpstreamConfig.of("ws", List.of(UpstreamServerConfig.of("127.0.0.1", echo.port())))
                                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(300)))
                        .proxy("ws", "ws.test")
                        .defaultHost("ws.test")
                        .start();
                Socket client = new Socket(InetAddress.getLoopbackAddress(), edge.httpPort())) {
            client.setSoTimeout(10_000); // the bound of this test, far above the 300 ms idle timeout
            client.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] all = client.getInputStream().readAllBytes(); // returns at the close, or throws at the bound
            assertThat(new String(all, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101").contains("hello");
        }
    }

    /** A minimal RFC 6455 server: the handshake, then every text frame echoed back with "echo: " before it. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        private final CompletableFuture<String> upgrade = new CompletableFuture<>();
        private final Thread thread;

        EchoServer() throws IOException {
            thread = new Thread(this::serve, "ws-echo");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        String upgradeRequest() throws Exception {
            return upgrade.get(10, TimeUnit.SECONDS);
        }

        private void serve() {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(20_000);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    head.append((char) in.readUnsignedByte());
                }
                String request = head.toString().toLowerCase();
                upgrade.complete(request);
                String key = request.lines().filter(l -> l.startsWith("sec-websocket-key:")).findFirst().orElseThrow()
                        .substring("sec-websocket-key:".length()).trim();
                String original = head.toString().lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                        .findFirst().orElseThrow().substring("sec-websocket-key:".length()).trim();
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((original + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                // The 101 and a greeting in one write: the proxy must pass on what follows the 101 at once.
                byte[] head101 = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] greeting = {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'};
                byte[] both = java.util.Arrays.copyOf(head101, head101.length + greeting.length);
                System.arraycopy(greeting, 0, both, head101.length, greeting.length);
                out.write(both);
                out.flush();
                assertThat(key).isNotEmpty();
                java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
                while (true) {
                    int first = in.readUnsignedByte();
                    int second = in.readUnsignedByte();
                    long length = second & 0x7f;
                    if (length == 126) {
                        length = in.readUnsignedShort();
                    } else if (length == 127) {
                        length = in.readLong();
                    }
                    byte[] mask = new byte[4];
                    in.readFully(mask);
                    byte[] payload = new byte[(int) length];
                    in.readFully(payload);
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i % 4];
                    }
                    int opcode = first & 0x0f;
                    if (opcode == 8) {
                        out.write(new byte[] {(byte) 0x88, 0});
                        out.flush();
                        return;
                    }
                    message.write(payload);
                    if ((first & 0x80) == 0) {
                        continue; // a fragment: the message goes on in continuation frames
                    }
                    byte[] reply = ("echo: " + message.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                    message.reset();
                    out.write(0x81);
                    if (reply.length < 126) {
                        out.write(reply.length);
                    } else if (reply.length < 65536) {
                        out.write(126);
                        out.write(reply.length >> 8);
                        out.write(reply.length);
                    } else {
                        out.write(127);
                        for (int shift = 56; shift >= 0; shift -= 8) {
                            out.write((int) ((long) reply.length >> shift));
                        }
                    }
                    out.write(reply);
                    out.flush();
                }
            } catch (Exception e) {
                upgrade.completeExceptionally(e);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
