package dev.webstack.stack;

import dev.webstack.db.Database;
import dev.webstack.db.EmbeddedDatabase;
import dev.webstack.db.ExternalDatabase;
import dev.webstack.db.config.DbConfig;
import dev.webstack.stack.config.StackConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * The database as a tier of the stack: the first to start and the last to stop. Embedded, it runs MariaDB with its
 * files in the data folder's {@code db/} and its output in {@code logs/db.log}; external, it checks that the server
 * answers.
 */
final class DbTier implements Tier {
    private final StackConfig config;
    private final Database database;

    DbTier(StackConfig config) {
        this.config = config;
        this.database = open(config.db(), config.dataDir());
    }

    /** The database the config names, not started. */
    static Database open(DbConfig db, Path dataDir) {
        if (db.mode() == DbConfig.Mode.EXTERNAL) {
            return new ExternalDatabase(db.url().orElseThrow(), db.user(), db.passwordFile(), db.passwordEnv(),
                    System.getenv());
        }
        return new EmbeddedDatabase(dataDir.resolve("db"), db.port(), db.database(), db.user(),
                dataDir.resolve("logs/db.log"));
    }

    @Override
    public String name() {
        return "db";
    }

    @Override
    public void start() throws Exception {
        database.start();
    }

    /** What start found worth saying, such as a server left running by a crashed run that it stopped. */
    List<String> notices() {
        return database instanceof EmbeddedDatabase embedded ? embedded.notices() : List.of();
    }

    @Override
    public String ready() {
        return database.describe();
    }

    /** The database keeps running as it is: a changed {@code db:} section takes effect at the next up. */
    @Override
    public String reload(StackConfig next) {
        return next.db().equals(config.db()) ? null
                : "settings changed: they take effect at the next up (the database keeps running as it is)";
    }

    Database database() {
        return database;
    }

    @Override
    public void close() {
        database.close();
    }
}
