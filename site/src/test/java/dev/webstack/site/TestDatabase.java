package dev.webstack.site;

import dev.webstack.db.EmbeddedDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One real MariaDB per test JVM (starting one costs seconds), in a fresh folder under target/, so every run
 * begins from an empty database. Tests stay independent through unique usernames. The outage test stops and
 * restarts it on the same folder and port; JUnit runs classes one after another, so nobody else is using it.
 */
final class TestDatabase {

    static final String DATABASE = "foobar";
    static final String USER = "site";

    private static EmbeddedDatabase server;
    private static Path dir;

    private TestDatabase() {
    }

    /** Starts the shared server on first use. */
    static synchronized EmbeddedDatabase server() {
        if (server == null) {
            try {
                Path target = Path.of("target").toAbsolutePath();
                Files.createDirectories(target);
                dir = Files.createTempDirectory(target, "mariadb-");
                server = new EmbeddedDatabase(dir, 0, DATABASE, USER, dir.resolve("mariadbd.log"));
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::closeAndDelete, "test-database-cleanup"));
        }
        return server;
    }

    /** Settings for a site on a free port. */
    static SiteConfig siteConfig() {
        EmbeddedDatabase db = server();
        return new SiteConfig("127.0.0.1", 0, db.jdbcUrl(), db.user(), db.password());
    }

    /** A direct connection as the site's user, for checks and for setting up failures. */
    static Connection connect() throws SQLException {
        EmbeddedDatabase db = server();
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    /** Kills the server (SIGKILL), as a crash would. */
    static synchronized void kill() throws InterruptedException {
        server().kill();
    }

    /** Starts the server again on the same folder and port after {@link #kill}. */
    static synchronized void startAgain() throws IOException, InterruptedException {
        EmbeddedDatabase previous = server();
        server = new EmbeddedDatabase(dir, previous.port(), DATABASE, USER, dir.resolve("mariadbd.log"));
        server.start();
    }

    private static synchronized void closeAndDelete() {
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // leftovers in target/ go with the next clean
            }
        }
    }
}
