package dev.webstack.stack.cli;

import dev.webstack.stack.DbControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code webstack db}: the database's backup, restore and shell. */
@Command(
        name = "db",
        mixinStandardHelpOptions = true,
        description = "Work with the stack's database (the running stack's, or the embedded one started for the command).",
        subcommands = {DbCommand.Backup.class, DbCommand.Restore.class, DbCommand.Shell.class})
public final class DbCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: backup, restore or shell");
    }

    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The config file (default: webstack.yaml in the current directory, if it exists).")
        Path config;

        Integer run(DbControl.Action action) throws Exception {
            return DbControl.run(config, action, spec.commandLine().getOut(), spec.commandLine().getErr());
        }

        /** Bad arguments are refused before anything starts. */
        Integer refuse(String message) {
            spec.commandLine().getErr().println("webstack: " + message);
            spec.commandLine().getErr().flush();
            return 2;
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Write a consistent dump of the site's database to FILE (one transaction's snapshot; the site keeps writing meanwhile).")
    static final class Backup extends Base {
        @Parameters(paramLabel = "FILE", description = "Where the SQL dump goes; written whole or not at all.")
        Path file;

        @Override
        public Integer call() throws Exception {
            Path folder = file.toAbsolutePath().getParent();
            if (Files.isDirectory(file)) {
                return refuse(file + " is a folder; expected the path of the file to write");
            }
            if (!Files.isDirectory(folder) || !Files.isWritable(folder)) {
                return refuse("cannot write in " + folder + " (no such folder, or not writable)");
            }
            return run((client, db, dataDir, out) -> {
                client.backup(file);
                out.printf("backed up database %s to %s (%d bytes)%n", db.database(), file, Files.size(file));
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Load a dump made by 'db backup' into the site's database: each table in the dump replaces the one of its name.",
                "The database as it was is saved first to <data-dir>/backups/pre-restore-<time>.sql."})
    static final class Restore extends Base {
        @Parameters(paramLabel = "FILE", description = "An SQL dump.")
        Path file;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                return refuse("cannot read " + file + " (no such file, or not readable)");
            }
            return run((client, db, dataDir, out) -> {
                // A dump drops and recreates table after table: a failure half way leaves a mix. Keep what was there.
                Path before = Files.createDirectories(dataDir.resolve("backups")).resolve("pre-restore-"
                        + java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern(
                                "yyyyMMdd-HHmmss")) + ".sql");
                client.backup(before);
                out.printf("saved database %s as it was to %s%n", db.database(), before);
                out.flush();
                try {
                    client.restore(file);
                } catch (java.io.IOException e) {
                    throw new java.io.IOException(e.getMessage() + "; the database may now be partly restored: "
                            + "./webstack db restore " + before + " puts back what was there before", e);
                }
                out.printf("restored %s into database %s%n", file, db.database());
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "shell", mixinStandardHelpOptions = true,
            description = "Open the MariaDB client on the site's database (reads SQL from standard input when it is not a terminal).")
    static final class Shell extends Base {
        @Override
        public Integer call() throws Exception {
            return run((client, db, dataDir, out) -> client.shell());
        }
    }
}
