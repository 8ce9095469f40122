package dev.webstack.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * MariaDB's own command-line clients (from the same binaries as the embedded server) pointed at the site's
 * database: a consistent dump, a restore, an interactive shell. The login goes in an option file only its owner can
 * read, given with {@code --defaults-extra-file}, so no password appears in the process list.
 */
public final class DbClient {
    private final MariaDbBinaries binaries;
    private final Database db;
    private final Path scratch;

    /**
     * @param scratch a folder for the short-lived option file (the data folder's {@code run/})
     */
    public DbClient(MariaDbBinaries binaries, Database db, Path scratch) {
        this.binaries = binaries;
        this.db = db;
        this.scratch = scratch;
    }

    /**
     * Writes a dump of the site's database to {@code file}: one transaction's snapshot of every table
     * ({@code --single-transaction}), without blocking the site's writes. The dump goes to a temporary file that is
     * renamed only when {@code mariadb-dump} succeeded, so a failed backup never leaves a truncated file behind.
     */
    public void backup(Path file) throws IOException, InterruptedException {
        Path target = file.toAbsolutePath();
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        List<String> args = List.of("--single-transaction", "--routines", "--triggers", "--no-tablespaces",
                "--hex-blob", "--default-character-set=utf8mb4", "--result-file=" + partial, db.database());
        try {
            run("mariadb-dump", args, null);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Runs a dump made by {@link #backup} (or any SQL file) against the site's database; stops at the first error.
     * The client runs in its sandbox mode, so a file cannot make it run shell commands ({@code \\!}, {@code system})
     * or read and write files on this machine.
     */
    public void restore(Path file) throws IOException, InterruptedException {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new IOException("cannot read " + file);
        }
        run("mariadb", List.of("--sandbox", "--default-character-set=utf8mb4", "--batch", db.database()), file);
    }

    /** Opens the interactive client on the site's database, on this terminal; returns its exit code. */
    public int shell() throws IOException, InterruptedException {
        Path options = optionFile();
        try {
            List<String> command = command("mariadb", options, List.of("--default-character-set=utf8mb4",
                    db.database()));
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        } finally {
            Files.deleteIfExists(options);
        }
    }

    private void run(String program, List<String> args, Path stdin) throws IOException, InterruptedException {
        Path options = optionFile();
        Path errors = Files.createTempFile(scratch, program, ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command(program, options, args))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(errors.toFile());
            if (stdin != null) {
                pb.redirectInput(stdin.toFile());
            }
            int exit = pb.start().waitFor();
            if (exit != 0) {
                String message = Files.readString(errors).strip();
                throw new IOException(program + " failed (exit " + exit + ")"
                        + (message.isEmpty() ? "" : ": " + message));
            }
        } finally {
            Files.deleteIfExists(options);
            Files.deleteIfExists(errors);
        }
    }

    private List<String> command(String program, Path options, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binaries.bin(program).toString());
        command.add("--defaults-extra-file=" + options); // must come first
        command.addAll(args);
        return command;
    }

    /**
     * A value for an option file, in double quotes (so {@code #} and spaces are kept) with {@code \\} and {@code "}
     * escaped. Line breaks cannot be written: the user and the password are checked for control characters first.
     */
    static String quoted(String value) {
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("a control character cannot go in a client option file");
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Path optionFile() throws IOException {
        Files.createDirectories(scratch);
        Path file = scratch.resolve("client-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".cnf");
        Credentials.writePrivate(file, w -> {
            w.write("[client]\n");
            w.write("host=" + quoted(db.host()) + "\n");
            w.write("port=" + db.port() + "\n");
            w.write("user=" + quoted(db.user()) + "\n");
            w.write("password=" + quoted(db.password()) + "\n");
            switch (db.tls()) {
                case OFF -> w.write("skip-ssl\n");
                case TRUST -> w.write("ssl\nskip-ssl-verify-server-cert\n");
                case VERIFY -> w.write("ssl\nssl-verify-server-cert\n");
                default -> throw new IllegalStateException("unknown TLS mode " + db.tls());
            }
        });
        return file;
    }
}
