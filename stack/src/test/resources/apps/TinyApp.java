import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The smallest app the app tier can run, for the stack's fault tests: run as {@code java TinyApp.java} (the JDK's
 * source launcher), it listens on BIND:PORT, answers /healthz and every other path with 200, and stops on SIGTERM.
 */
public class TinyApp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv("PORT"));
        String name = "tiny app-" + System.getenv("APP_INSTANCE");
        HttpServer server = HttpServer.create(new InetSocketAddress(System.getenv("BIND"), port), 64);
        server.createContext("/", exchange -> {
            byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println(name + " listening on " + port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1)));
    }
}
