package dev.webstack.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** Starts an embedded database in args[0], writes and reads a row, stops it: run as another OS user by a test. */
public final class StartAsUserMain {
    private StartAsUserMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (EmbeddedDatabase db = new EmbeddedDatabase(dir.resolve("db"), 0, "foobar", "foobar", dir.resolve("db.log"))) {
            db.start();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS t (v VARCHAR(20))");
                s.execute("INSERT INTO t VALUES ('written')");
                try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM t")) {
                    r.next();
                    System.out.println("rows " + r.getInt(1));
                }
            }
        }
        System.out.println("stopped");
    }
}
