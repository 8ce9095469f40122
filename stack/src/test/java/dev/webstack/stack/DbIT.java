package dev.webstack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The db tier through the README's commands: {@code ./webstack up} runs a real MariaDB first and stops it last;
 * {@code ./webstack db shell | backup | restore} work with the stack up or down; a {@code webstack up} killed with
 * SIGKILL leaves its MariaDB behind, and the next {@code up} stops it and finds every committed row.
 */
class DbIT {
    private static final Pattern DB_READY = Pattern.compile("db\\s+ready\\s+MariaDB \\S+ \\(embedded\\) on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private Path config(String db) throws IOException {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "hello\n");
        return Files.writeString(dir.resolve("webstack.yaml"), """
                app: { enabled: false }
                edge:
                  http: { port: 0 }
                  https: { enabled: false }
                  sites:
                    - hosts: [www.foobar.test]
                      root: site
                dns:
                  enabled: false
                """ + db);
    }

    private String sql(Path file, String statements) throws Exception {
        Path input = Files.writeString(dir.resolve("input.sql"), statements);
        WebstackProcess shell = WebstackProcess.run(dir, input, "db", "shell", "-c", file.toString());
        assertThat(shell.waitFor()).as(shell.output()).isZero();
        return shell.output();
    }

    @Test
    void upRunsMariaDbFirstAndStopsItLastAndTheDbCommandsUseIt() throws Exception {
        Path file = config("");
        try (WebstackProcess up = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            String ready = up.awaitLine("db    ready");
            up.awaitLine("edge  ready");
            up.awaitLine("./webstack db shell -c " + file);
            Matcher m = DB_READY.matcher(ready);
            assertThat(m.find()).as(ready).isTrue();
            long mariadb = Long.parseLong(Files.readString(dir.resolve("webstack-data/db/mariadbd.pid")).trim());

            sql(file, "CREATE TABLE posts (id INT PRIMARY KEY, title VARCHAR(200));\n"
                    + "INSERT INTO posts VALUES (1, 'first'), (2, 'second');\n");
            Path backup = dir.resolve("backup.sql");
            WebstackProcess dump = WebstackProcess.run(dir, "db", "backup", backup.toString(), "-c", file.toString());
            assertThat(dump.waitFor()).as(dump.output()).isZero();
            assertThat(dump.output()).contains("backed up database foobar to " + backup);

            sql(file, "DELETE FROM posts; INSERT INTO posts VALUES (3, 'after the backup');\n");
            WebstackProcess restore = WebstackProcess.run(dir, "db", "restore", backup.toString(), "-c", file.toString());
            assertThat(restore.waitFor()).as(restore.output()).isZero();
            assertThat(sql(file, "SELECT GROUP_CONCAT(title ORDER BY id) AS titles FROM posts;\n"))
                    .contains("first,second").doesNotContain("after the backup");
            // what was there before the restore was saved first
            Matcher saved = Pattern.compile("saved database foobar as it was to (\\S+)").matcher(restore.output());
            assertThat(saved.find()).as(restore.output()).isTrue();
            assertThat(Files.readString(Path.of(saved.group(1)))).contains("after the backup");

            // no password on any process's command line: mariadbd's, webstack's, or a client's while it runs
            String password = Files.readString(dir.resolve("webstack-data/db/password")).trim();
            Path slow = Files.writeString(dir.resolve("slow.sql"), "SELECT SLEEP(2);\n");
            try (WebstackProcess shell = WebstackProcess.start(dir, slow, "db", "shell", "-c", file.toString())) {
                awaitClientRunning();
                assertThat(commandLinesContaining(password)).isEmpty();
                assertThat(shell.waitFor()).isZero();
            }

            assertThat(up.terminate()).isZero();
            String out = up.output();
            assertThat(out.indexOf("edge  stopped")).isLessThan(out.indexOf("db    stopped"));
            assertThat(ProcessHandle.of(mariadb).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
        assertThat(Files.readString(dir.resolve("webstack-data/logs/db.log"))).contains("Shutdown complete");
    }

    /** Waits (bounded) until MariaDB's command-line client, started by a `db` command, runs. */
    private static void awaitClientRunning() throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (commandLinesContaining("--defaults-extra-file=").isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no MariaDB client started within 30 s");
            }
            Thread.sleep(20);
        }
    }

    private static java.util.List<String> commandLinesContaining(String secret) throws IOException {
        java.util.List<String> found = new java.util.ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                    if (cmdline.contains(secret)) {
                        found.add(p.getFileName() + ": " + cmdline);
                    }
                } catch (IOException e) {
                    // the process ended meanwhile
                }
            }
        }
        return found;
    }

    @Test
    void aDbCommandWithTheStackDownHoldsTheFolderAgainstOthersAndIgnoresReload() throws Exception {
        Path file = config("");
        sql(file, "CREATE TABLE t (id INT);\n"); // creates the database
        Path slow = Files.writeString(dir.resolve("slow.sql"), "SELECT SLEEP(3) AS slept;\nSELECT 'done' AS state;\n");
        try (WebstackProcess shell = WebstackProcess.start(dir, slow, "db", "shell", "-c", file.toString())) {
            awaitClientRunning(); // so the command holds the folder and its server answers
            assertThat(dir.resolve("webstack-data/run/command.pid")).exists();
            WebstackProcess reload = WebstackProcess.run(dir, "reload", "-c", file.toString());
            assertThat(reload.waitFor()).isEqualTo(1);
            assertThat(reload.output()).contains("no stack is running");
            WebstackProcess other = WebstackProcess.run(dir, "db", "backup", dir.resolve("b.sql").toString(),
                    "-c", file.toString());
            assertThat(other.waitFor()).isEqualTo(1);
            assertThat(other.output()).contains("busy with another webstack command", "webstack db");
            WebstackProcess up = WebstackProcess.run(dir, "up", "-c", file.toString());
            assertThat(up.waitFor()).isEqualTo(1);
            assertThat(up.output()).contains("busy with another webstack command");
            assertThat(shell.waitFor()).as(shell.output()).isZero();
            assertThat(shell.output()).contains("done");
        }
        assertThat(dir.resolve("webstack-data/run/command.pid")).doesNotExist();
    }

    @Test
    void externalModeUsesAServerTheStackDoesNotRun() throws Exception {
        Path file = config("");
        try (WebstackProcess owner = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            Matcher m = DB_READY.matcher(owner.awaitLine("db    ready"));
            assertThat(m.find()).isTrue();
            owner.awaitLine("edge  ready");
            Path other = Files.createDirectories(dir.resolve("other"));
            Files.createDirectories(other.resolve("site"));
            Path external = Files.writeString(other.resolve("webstack.yaml"), """
                    app: { enabled: false }
                    db:
                      mode: external
                      user: foobar
                      url: jdbc:mariadb://127.0.0.1:%s/foobar
                      password-file: ../webstack-data/db/password
                    edge:
                      http: { port: 0 }
                      https: { enabled: false }
                      sites:
                        - hosts: [www.foobar.test]
                          root: site
                    dns:
                      enabled: false
                    """.formatted(m.group(1)));
            try (WebstackProcess up = WebstackProcess.start(other, "up", "-c", external.toString())) {
                assertThat(up.awaitLine("db    ready")).contains("external database 127.0.0.1:" + m.group(1));
                up.awaitLine("edge  ready");
                Path query = Files.writeString(dir.resolve("q.sql"), "SELECT DATABASE() AS db, CURRENT_USER() AS who;\n");
                WebstackProcess shell = WebstackProcess.run(other, query, "db", "shell", "-c", external.toString());
                assertThat(shell.waitFor()).as(shell.output()).isZero();
                assertThat(shell.output()).contains("foobar\tfoobar@127.0.0.1");
                assertThat(up.terminate()).isZero();
            }
            // the external server was not stopped by the stack that used it
            assertThat(sql(file, "SELECT 'still up' AS s;\n")).contains("still up");
            assertThat(owner.terminate()).isZero();
        }
    }

    @Test
    void aKilledUpLeavesMariaDbRunningAndTheNextUpStopsItAndKeepsTheData() throws Exception {
        Path file = config("");
        long leftover;
        try (WebstackProcess up = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            up.awaitLine("edge  ready");
            sql(file, "CREATE TABLE t (id INT PRIMARY KEY);\nINSERT INTO t VALUES (1), (2), (3);\n");
            leftover = Long.parseLong(Files.readString(dir.resolve("webstack-data/db/mariadbd.pid")).trim());
            up.signal("KILL");
        }
        assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).isTrue();
        try (WebstackProcess up = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            assertThat(up.awaitLine("db    note")).contains("stopped MariaDB (pid " + leftover + ") left running");
            up.awaitLine("edge  ready");
            assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(sql(file, "SELECT COUNT(*) AS n FROM t;\n")).contains("n\n3");
            assertThat(up.terminate()).isZero();
        }
    }

    @Test
    void theDbCommandsStartTheEmbeddedServerWhenTheStackIsDownAndStopItAfter() throws Exception {
        Path file = config("");
        assertThat(sql(file, "CREATE TABLE notes (body TEXT);\nINSERT INTO notes VALUES ('kept');\n"))
                .contains("creating the database");
        Path backup = dir.resolve("down.sql");
        WebstackProcess dump = WebstackProcess.run(dir, "db", "backup", backup.toString(), "-c", file.toString());
        assertThat(dump.waitFor()).as(dump.output()).isZero();
        assertThat(Files.readString(backup)).contains("INSERT INTO `notes` VALUES", "'kept'");
        assertThat(dir.resolve("webstack-data/db/mariadbd.pid")).doesNotExist(); // stopped again
        assertThat(dir.resolve("webstack-data/run/webstack.pid")).doesNotExist(); // and the lock released
    }

    @Test
    void aDatabasePortInUseStopsUpBeforeTheEdgeStartsWithAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path file = config("db:\n  port: " + taken.getLocalPort() + "\n");
            WebstackProcess up = WebstackProcess.run(dir, "up", "-c", file.toString());
            assertThat(up.waitFor()).isEqualTo(1);
            assertThat(up.output()).contains("db failed to start: MariaDB did not start (port "
                    + taken.getLocalPort() + " on 127.0.0.1 is in use)").doesNotContain("edge  ready");
        }
    }

    @Test
    void aBadRestoreFileIsReportedAndTheDataStays() throws Exception {
        Path file = config("");
        sql(file, "CREATE TABLE t (id INT);\nINSERT INTO t VALUES (42);\n");
        Path bad = Files.writeString(dir.resolve("bad.sql"), "DROP TABLE nothing_here;\n");
        WebstackProcess restore = WebstackProcess.run(dir, "db", "restore", bad.toString(), "-c", file.toString());
        assertThat(restore.waitFor()).isEqualTo(1);
        assertThat(restore.output()).contains("mariadb failed", "Unknown table", "may now be partly restored",
                "./webstack db restore " + dir.resolve("webstack-data/backups/pre-restore-"));
        assertThat(sql(file, "SELECT id FROM t;\n")).contains("42");
    }
}
