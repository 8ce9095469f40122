package dev.webstack.stack;

import static dev.webstack.stack.StackIT.curl;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code webstack up} with an upstream pool: static files first, the application server for the rest. */
class ProxyIT {
    @TempDir
    Path dir;

    @Test
    void aSiteServesItsFilesAndProxiesTheRestToItsUpstream() throws Exception {
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        app.createContext("/", exchange -> {
            byte[] body = ("app saw " + exchange.getRequestURI() + " for "
                    + exchange.getRequestHeaders().getFirst("X-Forwarded-Host")).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        app.start();
        try {
            Files.createDirectories(dir.resolve("public"));
            Files.writeString(dir.resolve("public/style.css"), "body { color: teal }\n");
            Path file = dir.resolve("webstack.yaml");
            Files.writeString(file, """
                    app: { enabled: false }
                    edge:
                      http: { port: 0 }
                      https: { enabled: false }
                      upstreams:
                        - name: app
                          servers: [127.0.0.1:%d]
                      sites:
                        - hosts: [www.proxy.test]
                          root: public
                          proxy: app
                    dns:
                      enabled: false
                    """.formatted(app.getAddress().getPort()));
            try (WebstackProcess up = WebstackProcess.start(dir, "up", "-c", file.toString())) {
                int port = up.awaitReadyPorts()[0];
                String resolve = "www.proxy.test:" + port + ":127.0.0.1";
                assertThat(curl("--resolve", resolve, "http://www.proxy.test:" + port + "/style.css")[1])
                        .isEqualTo("body { color: teal }\n");
                assertThat(curl("--resolve", resolve, "http://www.proxy.test:" + port + "/posts/7?page=2")[1])
                        .isEqualTo("app saw /posts/7?page=2 for www.proxy.test:" + port);
                assertThat(up.terminate()).isZero();
            }
        } finally {
            app.stop(0);
        }
    }
}
