package dev.webstack.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup and restore with MariaDB's own clients, and external mode, against one real embedded server. */
class DbClientTest {
    @TempDir
    static Path tmp;
    static EmbeddedDatabase db;

    @BeforeAll
    static void start() throws Exception {
        db = new EmbeddedDatabase(tmp.resolve("db"), 0, "foobar", "foobar", tmp.resolve("db.log"));
        db.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void aBackupRestoresTheDatabaseAsItWas() throws Exception {
        DbClient client = new DbClient(MariaDbBinaries.unpacked(), db, tmp.resolve("run"));
        String tricky = "it's \"quoted\", \\ back-slashed, <b>tagged</b>, 😀, and '; DROP TABLE notes; --";
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id INT PRIMARY KEY, body TEXT) CHARACTER SET utf8mb4");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO notes VALUES (?, ?)")) {
                for (int i = 1; i <= 100; i++) {
                    p.setInt(1, i);
                    p.setString(2, i == 42 ? tricky : "note " + i);
                    p.executeUpdate();
                }
            }
        }
        Path backup = tmp.resolve("backup.sql");
        client.backup(backup);
        assertThat(Files.readString(backup)).contains("CREATE TABLE `notes`").doesNotContain(db.password());
        assertThat(tmp.resolve("run")).isEmptyDirectory(); // the option file with the password is gone

        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("DELETE FROM notes WHERE id > 10");
            s.execute("UPDATE notes SET body = 'changed'");
        }
        client.restore(backup);
        try (Connection c = connect(db); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*), MAX(id), SUM(body = 'changed') FROM notes")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(100);
            assertThat(r.getInt(2)).isEqualTo(100);
            assertThat(r.getInt(3)).isZero();
        }
        try (Connection c = connect(db); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT body FROM notes WHERE id = 42")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo(tricky);
        }
    }

    @Test
    void aFailedBackupLeavesNoFileAndSaysWhy() throws Exception {
        Path target = tmp.resolve("no-such-folder/backup.sql");
        DbClient client = new DbClient(MariaDbBinaries.unpacked(), db, tmp.resolve("run"));
        assertThatThrownBy(() -> client.backup(target)).hasMessageContaining("mariadb-dump failed");
        assertThat(target).doesNotExist();
    }

    @Test
    void aBrokenRestoreFileIsReportedWithTheServersMessage() throws Exception {
        Path bad = tmp.resolve("bad.sql");
        Files.writeString(bad, "CREATE TABLE ok1 (id INT);\nTHIS IS NOT SQL;\n");
        DbClient client = new DbClient(MariaDbBinaries.unpacked(), db, tmp.resolve("run"));
        assertThatThrownBy(() -> client.restore(bad)).hasMessageContaining("mariadb failed")
                .hasMessageContaining("ERROR 1064").hasMessageContaining("line 2");
        assertThatThrownBy(() -> client.restore(tmp.resolve("missing.sql"))).hasMessageContaining("cannot read");
    }

    @Test
    void aRestoreFileCannotRunShellCommandsOrTouchFiles() throws Exception {
        Path marker = tmp.resolve("pwned");
        Path evil = Files.writeString(tmp.resolve("evil.sql"), "SELECT 1;\n\\! touch " + marker + "\n"
                + "system touch " + marker + "\n");
        DbClient client = new DbClient(MariaDbBinaries.unpacked(), db, tmp.resolve("run"));
        assertThatThrownBy(() -> client.restore(evil)).hasMessageContaining("mariadb failed");
        assertThat(marker).doesNotExist();
    }

    @Test
    void optionFileValuesKeepEveryCharacterAndRefuseLineBreaks() throws Exception {
        String value = "a#b \"c\" \\d;'e";
        Path file = tmp.resolve("quoted.cnf");
        Files.writeString(file, "[client]\nuser=" + DbClient.quoted(value) + "\n");
        Process p = new ProcessBuilder(MariaDbBinaries.unpacked().bin("my_print_defaults").toString(),
                "--defaults-file=" + file, "client").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(out).isEqualTo("--user=" + value + "\n");
        for (String bad : List.of("a\nb", "a\rb", "a\u0000b")) {
            assertThatThrownBy(() -> DbClient.quoted(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new ExternalDatabase("jdbc:mariadb://127.0.0.1:" + db.port() + "/foobar", "foobar",
                Optional.empty(), "PW", Map.of("PW", "line\nbreak")).start()).hasMessageContaining("control character");
        assertThatThrownBy(() -> ExternalDatabase.checkUser("x\ny")).hasMessageContaining("printable");
    }

    @Test
    void externalModeLogsInWithAPasswordFromAFileOrTheEnvironment() throws Exception {
        Path file = tmp.resolve("pw");
        Files.writeString(file, db.password() + "\n");
        String url = "jdbc:mysql://127.0.0.1:" + db.port() + "/foobar";
        ExternalDatabase fromFile = new ExternalDatabase(url, "foobar", Optional.of(file), "UNUSED", Map.of());
        fromFile.start();
        assertThat(fromFile.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:" + db.port() + "/foobar");
        try (Connection c = connect(fromFile)) {
            assertThat(c.isValid(2)).isTrue();
        }
        ExternalDatabase fromEnv = new ExternalDatabase(url, "foobar", Optional.empty(), "PW",
                Map.of("PW", db.password()));
        fromEnv.start();
        // and the clients work against it too
        Path backup = tmp.resolve("external.sql");
        new DbClient(MariaDbBinaries.unpacked(), fromEnv, tmp.resolve("run")).backup(backup);
        assertThat(backup).isNotEmptyFile();
    }

    @Test
    void externalModeErrorsSayWhatIsWrong() {
        String url = "jdbc:mariadb://127.0.0.1:" + db.port() + "/foobar";
        assertThatThrownBy(() -> new ExternalDatabase(url, "foobar", Optional.empty(), "NOT_SET", Map.of()).start())
                .hasMessageContaining("set db.password-file, or the environment variable NOT_SET");
        assertThatThrownBy(() -> new ExternalDatabase(url, "foobar", Optional.empty(), "PW", Map.of("PW", "wrong"))
                .start()).hasMessageContaining("cannot log in to the external database 127.0.0.1:" + db.port())
                .hasMessageContaining("Access denied");
        List<String> bad = new ArrayList<>(List.of("postgres://x/y", "jdbc:mariadb://host", "jdbc:mariadb://h:99999/d",
                "jdbc:mariadb:///db"));
        for (String u : bad) {
            assertThatThrownBy(() -> new ExternalDatabase(u, "u", Optional.empty(), "E", Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JDBC URL");
        }
    }

    private static Connection connect(Database d) throws SQLException {
        return DriverManager.getConnection(d.jdbcUrl(), d.user(), d.password());
    }
}
