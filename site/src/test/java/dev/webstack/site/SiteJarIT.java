package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code foobar-site.jar} as the stack runs it: a child process configured by its environment. It must
 * be self-contained (Flyway's MariaDB support, templates, static files inside), refuse bad settings with exit 2,
 * and on SIGTERM stop accepting, finish the request in flight and exit 0.
 */
class SiteJarIT {

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopWhatWeStarted() throws InterruptedException {
        for (Process process : started) {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void missingSettingsExitWith2AndSayWhatIsMissing() throws Exception {
        Process process = launch(Map.of());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        String stderr = read(process.getErrorStream());
        assertThat(stderr).contains("DB_URL is not set", "DB_USER is not set", "DB_PASSWORD");
    }

    @Test
    void anUnreachableDatabaseExitsWith1() throws Exception {
        int closedPort = freePort();
        Process process = launch(Map.of("DB_URL", "jdbc:mariadb://127.0.0.1:" + closedPort + "/foobar",
                "DB_USER", "site", "DB_PASSWORD", "x", "PORT", "0"));
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(read(process.getErrorStream())).contains("cannot reach the database at jdbc:mariadb://127.0.0.1:" + closedPort);
    }

    @Test
    void servesAndDrainsTheRequestInFlightOnSigterm(@TempDir Path dir) throws Exception {
        SiteConfig db = TestDatabase.siteConfig();
        Path passwordFile = dir.resolve("db-password");
        Files.writeString(passwordFile, db.dbPassword() + "\n");
        int port = freePort();
        Path stderr = dir.resolve("stderr.log");
        Process process = launch(Map.of("DB_URL", db.dbUrl(), "DB_USER", db.dbUser(),
                "DB_PASSWORD_FILE", passwordFile.toString(), "PORT", Integer.toString(port)), stderr);
        awaitListening(process, port, stderr);

        Browser browser = new Browser(port);
        assertThat(browser.get("/healthz").body()).isEqualTo("ok\n");
        assertThat(browser.get("/static/site.css").statusCode()).isEqualTo(200);
        assertThat(browser.get("/static/logo.svg").statusCode()).isEqualTo(200);
        HttpResponse<String> form = browser.get("/signup");
        assertThat(form.statusCode()).isEqualTo(200);
        String username = Names.user("draining");
        String body = Browser.encode(Map.of("_csrf", Browser.csrfToken(form.body()), "username", username,
                "password", "correct horse battery"));

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /signup HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + "Cookie: csrf=" + browser.cookie("csrf") + "\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n"
                    + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the site has taken the request in (it now waits for the rest of the body) before the SIGTERM
            awaitReadByServer(port, socket.getLocalPort());

            process.destroy(); // SIGTERM
            awaitRefusingConnections(port);

            out.write(body.substring(10).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readResponseHead(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 303").contains("Location: /");
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits after draining").isTrue();
        String log = Files.readString(stderr);
        assertThat(process.exitValue()).as("stderr: %s", log).isEqualTo(0);
        assertThat(log).containsSubsequence("foobar-site: stopping", "POST /signup 303", "foobar-site: stopped");
        try (var connection = TestDatabase.connect();
                var select = connection.prepareStatement("SELECT COUNT(*) FROM users WHERE username = ?")) {
            select.setString(1, username);
            try (var row = select.executeQuery()) {
                row.next();
                assertThat(row.getInt(1)).as("the request in flight was completed").isEqualTo(1);
            }
        }
    }

    private Process launch(Map<String, String> env) throws IOException {
        return launch(env, null);
    }

    /** Starts the jar with exactly env; its stderr goes to the file when given, else to a pipe. */
    private Process launch(Map<String, String> env, Path stderr) throws IOException {
        String jar = System.getProperty("site.jar", "target/foobar-site.jar");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m", "-jar", jar);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (stderr != null) {
            builder.redirectError(stderr.toFile());
        }
        Process process = builder.start();
        started.add(process);
        process.getOutputStream().close();
        return process;
    }

    private static void awaitListening(Process process, int port, Path stderr)
            throws InterruptedException, IOException {
        for (int attempt = 0; attempt < 600; attempt++) {
            String log = Files.exists(stderr) ? Files.readString(stderr) : "";
            if (log.contains("foobar-site: listening on")) {
                return;
            }
            assertThat(process.isAlive()).as("site exited early: %s", log).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("the site never said it was listening on " + port);
    }

    /**
     * Waits (bounded) until the server's end of the connection from {@code clientPort} has nothing left unread in
     * its receive queue: the kernel's own count, from /proc/net/tcp and tcp6.
     */
    private static void awaitReadByServer(int serverPort, int clientPort) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            // Java's sockets are IPv6 ones (127.0.0.1 mapped) unless told otherwise: look in both tables
            List<String> lines = new java.util.ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
            lines.addAll(Files.readAllLines(Path.of("/proc/net/tcp6")));
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 4 && f[1].endsWith(String.format(":%04X", serverPort))
                        && f[2].endsWith(String.format(":%04X", clientPort)) && f[4].endsWith(":00000000")) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the site did not read the request's first bytes within 10 s");
    }

    private static void awaitRefusingConnections(int port) throws InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                // keep waiting
            }
            Thread.sleep(50);
        }
        throw new AssertionError("port " + port + " still accepts connections after SIGTERM");
    }

    private static String readResponseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    private static String read(InputStream stream) throws IOException {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
