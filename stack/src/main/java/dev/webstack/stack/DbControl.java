package dev.webstack.stack;

import dev.webstack.db.Database;
import dev.webstack.db.DbClient;
import dev.webstack.db.EmbeddedDatabase;
import dev.webstack.db.MariaDbBinaries;
import dev.webstack.stack.config.StackConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import sun.misc.Signal;

/**
 * {@code webstack db backup | restore | shell}: MariaDB's own clients on the stack's database. With the stack up,
 * they use the server its {@code up} runs; with the stack down, the command takes the data folder's lock (so no
 * {@code up} and no other {@code db} command starts meanwhile), starts the embedded server, and stops it after.
 */
public final class DbControl {
    /** What to do with the database once it answers; returns the exit code. */
    public interface Action {
        int run(DbClient client, Database db, Path dataDir, PrintWriter out) throws Exception;
    }

    private DbControl() {
    }

    public static int run(Path configFile, Action action, PrintWriter out, PrintWriter err) throws Exception {
        Optional<StackConfig> loaded = StackControl.loadConfig(configFile, err, "");
        if (loaded.isEmpty()) {
            return 2;
        }
        StackConfig config = loaded.get();
        if (!config.db().enabled()) {
            err.println("webstack: the db tier is disabled in the config (db.enabled: false)");
            err.flush();
            return 2;
        }
        Path root = config.dataDir();
        Database db = DbTier.open(config.db(), root);
        DbClient client = new DbClient(MariaDbBinaries.unpacked(), db, root.resolve("run"));
        if (!(db instanceof EmbeddedDatabase embedded)) {
            db.start();
            return action.run(client, db, root, out);
        }
        // A server owned by a running `up` is shared; any other (a crashed run's, another db command's) is not.
        if (DataDir.runningPid(root).isPresent() && embedded.attach()) {
            return action.run(client, db, root, out);
        }
        // A closed terminal (SIGHUP) must not end the command half way, with the server it started.
        Signal.handle(new Signal("HUP"), s -> { });
        try (DataDir data = new DataDir(root)) {
            try {
                data.lockForCommand("webstack db");
            } catch (DataDir.InUseException e) {
                err.println("webstack: " + e.getMessage());
                err.flush();
                return 1;
            }
            if (!Files.isDirectory(root.resolve("db/data"))) {
                out.println("creating the database in " + root.resolve("db") + " ...");
                out.flush();
            }
            try (embedded) {
                embedded.start();
                embedded.notices().forEach(n -> out.println("note: " + n));
                return action.run(client, db, root, out);
            }
        }
    }
}
