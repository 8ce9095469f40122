package dev.webstack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, run as a user runs it: {@code ./webstack up}, curl, Ctrl-C or SIGTERM. */
class StackIT {
    @TempDir
    Path dir;

    private Path config(String extra) throws IOException {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "<h1>hello from webstack</h1>\n");
        Path file = dir.resolve("webstack.yaml");
        Files.writeString(file, """
                app: { enabled: false }
                edge:
                  http: { port: 0 }
                  https: { port: 0 }
                  sites:
                    - hosts: [www.foobar.test]
                      root: site
                    - hosts: [foobar.test]
                      redirect: www.foobar.test
                dns:
                  port: 0
                """ + extra);
        return file;
    }

    static String[] curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "10"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String[] {String.valueOf(p.exitValue()), out};
    }

    static String dig(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dig", "+time=2", "+tries=1"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void upServesTheSiteOverHttpAndHttp2AndStopsWithExitZeroOnSigterm() throws Exception {
        Path file = config("");
        try (WebstackProcess up = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            int[] ports = up.awaitReadyPorts();
            String page = curl("--resolve", "www.foobar.test:" + ports[0] + ":127.0.0.1",
                    "http://www.foobar.test:" + ports[0] + "/")[1];
            assertThat(page).contains("hello from webstack");
            String h2 = curl("-k", "--http2", "-w", "\n%{http_version}", "--resolve",
                    "www.foobar.test:" + ports[1] + ":127.0.0.1", "https://www.foobar.test:" + ports[1] + "/")[1];
            assertThat(h2).contains("hello from webstack").endsWith("\n2");
            String redirect = curl("-I", "--resolve", "foobar.test:" + ports[0] + ":127.0.0.1",
                    "http://foobar.test:" + ports[0] + "/a?b=1")[1];
            assertThat(redirect).contains("301").containsIgnoringCase("location: http://www.foobar.test:" + ports[0] + "/a?b=1");

            assertThat(up.terminate()).isZero();
            assertThat(up.output()).contains("edge  stopped", "stopped");
        }
        assertThat(Files.readString(dir.resolve("webstack-data/logs/access.log")))
                .contains("\"GET / HTTP/1.1\" 200", "\"HEAD /a?b=1 HTTP/1.1\" 301");
        assertThat(dir.resolve("webstack-data/run/webstack.pid")).doesNotExist();
        assertThat(dir.resolve("webstack-data/tls/selfsigned.crt")).exists();
    }

    @Test
    void aSecondUpOnTheSameDataFolderIsRefusedAndTheFirstKeepsServing() throws Exception {
        Path file = config("");
        try (WebstackProcess first = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            int[] ports = first.awaitReadyPorts();
            WebstackProcess second = WebstackProcess.run(dir, "up", "-c", file.toString());
            assertThat(second.waitFor()).isEqualTo(1);
            assertThat(second.output()).contains("already running", "pid " + first.pid());
            String page = curl("-H", "Host: www.foobar.test", "http://127.0.0.1:" + ports[0] + "/")[1];
            assertThat(page).contains("hello from webstack");
            assertThat(first.signal("INT")).isZero(); // Ctrl-C
            assertThat(first.output()).contains("stopped");
        }
    }

    @Test
    void aPortInUseIsAClearRuntimeFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path file = config("");
            Files.writeString(file, Files.readString(file).replace("http: { port: 0 }", "http: { port: " + taken.getLocalPort() + " }"));
            WebstackProcess up = WebstackProcess.run(dir, "up", "-c", file.toString());
            assertThat(up.waitFor()).isEqualTo(1);
            assertThat(up.output()).contains("edge failed to start").contains(String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void aBrokenConfigIsRefusedBeforeAnythingStartsWithExitTwo() throws Exception {
        WebstackProcess check = WebstackProcess.run(dir, "config", "check", WebstackProcess.REPO.resolve("examples/broken.yaml").toString());
        assertThat(check.waitFor()).isEqualTo(2);
        assertThat(check.output()).contains("broken.yaml:5:", "did you mean 'port'", "problems");
        WebstackProcess up = WebstackProcess.run(dir, "up", "-c", WebstackProcess.REPO.resolve("examples/broken.yaml").toString());
        assertThat(up.waitFor()).isEqualTo(2);
        assertThat(dir.resolve("webstack-data")).doesNotExist();
    }

    @Test
    void everyCommandHasHelpAndVersionWorks() throws Exception {
        for (String[] args : new String[][] {{"--help"}, {"up", "--help"}, {"config", "check", "--help"}, {"version", "--help"}}) {
            WebstackProcess p = WebstackProcess.run(dir, args);
            assertThat(p.waitFor()).as(String.join(" ", args)).isZero();
            assertThat(p.output()).contains("Usage:");
        }
        WebstackProcess v = WebstackProcess.run(dir, "version");
        assertThat(v.waitFor()).isZero();
        assertThat(v.output()).startsWith("webstack ");
        WebstackProcess bad = WebstackProcess.run(dir, "up", "--no-such-option");
        assertThat(bad.waitFor()).isEqualTo(2);
    }

    @Test
    void withNoConfigFileUpServesFoobarComOnTheDefaultPorts() throws Exception {
        try (WebstackProcess up = WebstackProcess.start(dir, "up")) {
            int[] ports = up.awaitReadyPorts();
            assertThat(ports).containsExactly(8080, 8443);
            String page = curl("-i", "--resolve", "www.foobar.com:8080:127.0.0.1", "http://www.foobar.com:8080/")[1];
            assertThat(page).startsWith("HTTP/1.1 200").contains("foobar.com");
            String apex = curl("-I", "--resolve", "foobar.com:8080:127.0.0.1", "http://foobar.com:8080/")[1];
            assertThat(apex).startsWith("HTTP/1.1 301").containsIgnoringCase("location: http://www.foobar.com:8080/");
            assertThat(up.awaitDnsPort()).isEqualTo(5353);
            assertThat(up.awaitLine("dig @")).contains("dig @127.0.0.1 -p 5353 www.foobar.com");
            String dig = dig("@127.0.0.1", "-p", "5353", "www.foobar.com");
            assertThat(dig).contains("flags: qr aa rd;", "status: NOERROR", "ANSWER: 2")
                    .containsPattern("(?m)^www\\.foobar\\.com\\.\\s+300\\s+IN\\s+CNAME\\s+foobar\\.com\\.$")
                    .containsPattern("(?m)^foobar\\.com\\.\\s+300\\s+IN\\s+A\\s+127\\.0\\.0\\.1$");
            assertThat(up.terminate()).isZero();
        }
        assertThat(dir.resolve("webstack-data/logs/access.log")).exists();
    }
}
