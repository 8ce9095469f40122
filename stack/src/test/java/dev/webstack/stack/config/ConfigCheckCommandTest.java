package dev.webstack.stack.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.stack.WebstackCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code webstack config check FILE}: effective config and 0 for a good file, every problem and 2 for a bad one. */
class ConfigCheckCommandTest {
    @TempDir
    Path dir;

    @Test
    void goodFilePrintsEffectiveConfigAndExitsZero() throws IOException {
        Files.createDirectories(dir.resolve("site"));
        Path file = Files.writeString(dir.resolve("webstack.yaml"), """
                edge:
                  http: {port: 9080}
                  sites:
                    - hosts: www.foobar.com
                      root: site
                app: { enabled: false }
                """);

        Result result = run("config", "check", file.toString());

        assertThat(result.code).isEqualTo(WebstackCommand.EXIT_OK);
        assertThat(result.out).startsWith("data-dir: " + dir.resolve("webstack-data") + "\ndb:\n  enabled: true\n  mode: embedded\n")
                .contains("    port: 9080\n", "      root: " + dir.resolve("site") + "\n");
        assertThat(result.err).isEqualTo(file + ": ok\n");
    }

    @Test
    void aZoneFileThatDoesNotLoadFailsTheCheckWithItsLine() throws IOException {
        Path zone = Files.writeString(dir.resolve("example.org.zone"), """
                $TTL 300
                @    IN SOA ns1 hostmaster 1 3600 900 1209600 300
                @    IN NS  ns1
                ns1  IN A   192.0.2.1
                www  IN CNAME 192.0.2.2
                """);
        Path file = Files.writeString(dir.resolve("webstack.yaml"), """
                dns:
                  zone-files:
                    - origin: example.org
                      file: example.org.zone
                """);

        Result result = run("config", "check", file.toString());

        assertThat(result.code).isEqualTo(WebstackCommand.EXIT_USAGE);
        assertThat(result.out).isEmpty();
        assertThat(result.err).isEqualTo(zone + ":5: www CNAME 192.0.2.2 (expected: a host name, not an address)\n"
                + file + ": 1 problem in the zones; nothing was started\n");
    }

    @Test
    void brokenFileListsEveryProblemAndExitsTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("webstack.yaml"), """
                edge:
                  workers: many
                  http:
                    prot: 80
                  sites:
                    - hosts: [www.foobar.com]
                      root: missing
                app: { enabled: false }
                """);

        Result result = run("config", "check", file.toString());

        assertThat(result.code).isEqualTo(WebstackCommand.EXIT_USAGE);
        assertThat(result.out).isEmpty();
        assertThat(result.err).isEqualTo(String.join("\n",
                file + ":2:12: edge.workers: expected an integer >= 0, got 'many'",
                file + ":4:5: edge.http: unknown key 'prot' (did you mean 'port'?)",
                file + ":7:13: edge.sites[0].root: folder not found: " + dir.resolve("missing"),
                file + ": 3 problems; nothing was started",
                ""));
    }

    @Test
    void missingFileIsOneProblem() {
        Path file = dir.resolve("absent.yaml");

        Result result = run("config", "check", file.toString());

        assertThat(result.code).isEqualTo(WebstackCommand.EXIT_USAGE);
        assertThat(result.err).isEqualTo(file + ": file not found\n" + file + ": 1 problem; nothing was started\n");
    }

    private static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            code = WebstackCommand.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Result(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err) {}
}
