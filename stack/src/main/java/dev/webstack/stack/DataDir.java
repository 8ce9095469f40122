package dev.webstack.stack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The stack's data folder ({@code logs/}, {@code run/}, {@code tls/}) and the lock that lets one
 * {@code webstack up} at a time own it. The lock is an OS file lock on {@code run/webstack.lock},
 * so a crashed run (even SIGKILL) leaves nothing that blocks the next one; {@code run/webstack.pid}
 * says who holds it.
 */
final class DataDir implements AutoCloseable {
    private static final String STATUS = "run/reload.status";
    private static final String PID_FILE = "run/webstack.pid";
    private static final String COMMAND_FILE = "run/command.pid";
    private final Path root;
    private FileChannel lockChannel;
    private FileLock lock;
    private Path holderPath;

    DataDir(Path root) {
        this.root = root;
    }

    /** Thrown when another process holds the folder; the message names it and its pid. */
    static final class InUseException extends Exception {
        InUseException(String message) {
            super(message);
        }
    }

    /** Takes the folder for {@code webstack up}: its pid goes in {@code run/webstack.pid}, for reload to signal. */
    void lock() throws IOException, InUseException {
        lock(PID_FILE, Long.toString(ProcessHandle.current().pid()));
        Files.deleteIfExists(root.resolve(STATUS));
    }

    /**
     * Takes the folder for a command that needs it whole for a while (a {@code db} command with the stack down). Its
     * pid goes in {@code run/command.pid}, not in {@code webstack.pid}: a reload never signals it.
     */
    void lockForCommand(String what) throws IOException, InUseException {
        lock(COMMAND_FILE, ProcessHandle.current().pid() + " " + what);
    }

    private void lock(String holderFile, String holder) throws IOException, InUseException {
        for (String sub : new String[] {"logs", "run", "tls"}) {
            Files.createDirectories(root.resolve(sub));
        }
        // run/ is the stack's own: its pid files name processes the next up stops, and it holds the admin socket.
        Files.setPosixFilePermissions(root.resolve("run"), PosixFilePermissions.fromString("rwx------"));
        Path lockFile = root.resolve("run/webstack.lock");
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            Path upPid = root.resolve(PID_FILE);
            Path command = root.resolve(COMMAND_FILE);
            if (Files.exists(upPid)) {
                throw new InUseException("webstack is already running on the data folder " + root + " (pid "
                        + Files.readString(upPid).trim() + ", lock " + lockFile
                        + "); stop it first, or give this one another data-dir");
            }
            String who = Files.exists(command) ? Files.readString(command).trim() : "unknown";
            throw new InUseException("the data folder " + root + " is busy with another webstack command (pid "
                    + who.replaceFirst(" ", ": ") + "); try again when it has finished");
        }
        // A holder file left by a run that died (the OS freed its lock) must not name it as running.
        Files.deleteIfExists(root.resolve(PID_FILE));
        Files.deleteIfExists(root.resolve(COMMAND_FILE));
        holderPath = root.resolve(holderFile);
        Files.writeString(holderPath, holder + "\n", StandardCharsets.UTF_8);
    }

    Path root() {
        return root;
    }

    /**
     * The pid of the {@code webstack up} that holds {@code root}'s lock; empty when none does. Used by commands
     * that talk to a running stack, such as {@code reload}.
     */
    static Optional<Long> runningPid(Path root) throws IOException {
        Path lockFile = root.resolve("run/webstack.lock");
        Path pidFile = root.resolve(PID_FILE);
        if (!Files.exists(lockFile) || !Files.exists(pidFile)) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock free = channel.tryLock();
            if (free != null) {
                free.release();
                return Optional.empty();
            }
        } catch (OverlappingFileLockException e) {
            // held by this very process
        }
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The outcome of the latest reload, for {@code webstack reload} to read: its number, ok or not, and what. */
    record ReloadStatus(long number, boolean ok, String text) {
        static Optional<ReloadStatus> read(Path root) {
            try {
                List<String> lines = Files.readAllLines(root.resolve(STATUS));
                String[] head = lines.get(0).split(" ");
                return Optional.of(new ReloadStatus(Long.parseLong(head[0]), "ok".equals(head[1]),
                        String.join("\n", lines.subList(1, lines.size()))));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** Replaces the status file whole, so a reader never sees half of it. */
        void write(Path root) throws IOException {
            Path temp = root.resolve(STATUS + ".tmp");
            Files.writeString(temp, number + (ok ? " ok" : " failed") + "\n" + text + "\n");
            Files.move(temp, root.resolve(STATUS), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                Files.deleteIfExists(holderPath);
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // the OS drops the lock with the process anyway
        }
    }
}
