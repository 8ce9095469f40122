package dev.webstack.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real MariaDB in a temporary folder: first start, restart, crash, a server left running, a port in use. */
class EmbeddedDatabaseTest {
    @TempDir
    Path tmp;

    @Test
    void firstStartCreatesTheDatabaseAndAUserWithAPrivateGeneratedPassword() throws Exception {
        try (EmbeddedDatabase db = new EmbeddedDatabase(tmp.resolve("db"), 0, "foobar", "foobar", tmp.resolve("db.log"))) {
            db.start();
            assertThat(db.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:" + db.port() + "/foobar");
            Path passwordFile = tmp.resolve("db/password");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
            assertThat(Files.readString(passwordFile)).isEqualTo(db.password() + "\n");
            assertThat(db.password()).hasSizeGreaterThanOrEqualTo(32);
            assertThat(tmp.resolve("db/init.sql")).doesNotExist();
            try (Connection c = connect(db); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                try (ResultSet r = s.executeQuery("SELECT @@version, @@bind_address, CURRENT_USER()")) {
                    r.next();
                    assertThat(r.getString(1)).startsWith(MariaDbBinaries.version());
                    assertThat(r.getString(2)).isEqualTo("127.0.0.1");
                    assertThat(r.getString(3)).isEqualTo("foobar@127.0.0.1");
                }
                // the site user sees its own database only
                assertThatThrownBy(() -> s.execute("CREATE DATABASE other")).isInstanceOf(SQLException.class)
                        .hasMessageContaining("Access denied");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), "foobar", "wrong"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        }
    }

    @Test
    void dataSurvivesACleanRestartAndACrash() throws Exception {
        Path dir = tmp.resolve("db");
        EmbeddedDatabase db = new EmbeddedDatabase(dir, 0, "foobar", "foobar", tmp.resolve("db.log"));
        db.start();
        String password = db.password();
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            s.execute("INSERT INTO t VALUES (1), (2)");
        }
        db.close();
        assertThat(Files.readString(tmp.resolve("db.log"))).contains("Shutdown complete");

        db.start();
        assertThat(db.password()).isEqualTo(password);
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            assertThat(count(s)).isEqualTo(2);
            for (int i = 3; i <= 50; i++) {
                s.execute("INSERT INTO t VALUES (" + i + ")"); // autocommit: each acknowledged insert is committed
            }
        }
        db.kill();
        db.start();
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            assertThat(count(s)).isEqualTo(50);
        } finally {
            db.close();
        }
    }

    @Test
    void aServerLeftRunningByACrashedRunIsStoppedAndTheDataIsKept() throws Exception {
        Path dir = tmp.resolve("db");
        EmbeddedDatabase crashed = new EmbeddedDatabase(dir, 0, "foobar", "foobar", tmp.resolve("db.log"));
        crashed.start();
        long leftoverPid = crashed.pid();
        try (Connection c = connect(crashed); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            s.execute("INSERT INTO t VALUES (7)");
        }
        // A new run on the same folder, as after `webstack up` was killed with its MariaDB still running.
        try (EmbeddedDatabase next = new EmbeddedDatabase(dir, 0, "foobar", "foobar", tmp.resolve("db.log"))) {
            next.start();
            assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(next.notices()).singleElement().asString()
                    .contains("stopped MariaDB (pid " + leftoverPid + ")");
            assertThat(next.pid()).isNotEqualTo(leftoverPid);
            try (Connection c = connect(next); Statement s = c.createStatement()) {
                assertThat(count(s)).isEqualTo(1);
            }
        } finally {
            crashed.close();
        }
    }

    @Test
    void aPortInUseIsAClearErrorAndLeavesNoServerRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                EmbeddedDatabase db = new EmbeddedDatabase(tmp.resolve("db"), taken.getLocalPort(), "foobar",
                        "foobar", tmp.resolve("db.log"))) {
            assertThatThrownBy(db::start).hasMessageContaining("port " + taken.getLocalPort() + " on 127.0.0.1 is in use")
                    .hasMessageContaining("db.log");
            assertThatThrownBy(db::pid).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void theServerRunsInItsOwnSessionSoTheTerminalsSignalsReachOnlyWebstack() throws Exception {
        try (EmbeddedDatabase db = new EmbeddedDatabase(tmp.resolve("db"), 0, "foobar", "foobar", tmp.resolve("db.log"))) {
            db.start();
            String stat = Files.readString(Path.of("/proc", Long.toString(db.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertThat(fields[3]).as("session id").isEqualTo(Long.toString(db.pid())); // setsid: its own session
            assertThat(Files.readString(Path.of("/proc", Long.toString(db.pid()), "cmdline")))
                    .doesNotContain(db.password()); // the password never goes on a command line
        }
    }

    @Test
    void aLeftoverServerIsFoundThroughAnotherPathToTheSameFolder() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        EmbeddedDatabase viaLink = new EmbeddedDatabase(link.resolve("db"), 0, "foobar", "foobar", tmp.resolve("db.log"));
        viaLink.start();
        long leftover = viaLink.pid();
        try (EmbeddedDatabase viaReal = new EmbeddedDatabase(real.resolve("db"), 0, "foobar", "foobar",
                tmp.resolve("db.log"))) {
            viaReal.start();
            assertThat(viaReal.notices()).singleElement().asString().contains("pid " + leftover);
        } finally {
            viaLink.close();
        }
    }

    @Test
    void aDataFolderWithOtherFilesIsNeverInstalledOver() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("db/data"));
        Path precious = Files.writeString(data.resolve("precious.txt"), "keep me");
        try (EmbeddedDatabase db = new EmbeddedDatabase(tmp.resolve("db"), 0, "foobar", "foobar", tmp.resolve("db.log"))) {
            assertThatThrownBy(db::start).hasMessageContaining("holds files but no MariaDB system tables")
                    .hasMessageContaining("refusing");
        }
        assertThat(precious).hasContent("keep me");
    }

    @Test
    void badNamesAreRefusedBeforeAnythingStarts() {
        List<String> bad = new ArrayList<>(List.of("", "a-b", "x'; DROP USER root; --", "a".repeat(33)));
        for (String name : bad) {
            assertThatThrownBy(() -> new EmbeddedDatabase(tmp, 0, name, "u", tmp.resolve("l")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("letters, digits");
        }
    }

    private static Connection connect(Database db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    private static int count(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM t")) {
            r.next();
            return r.getInt(1);
        }
    }
}
