package dev.webstack.stack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The stack's data folder ({@code logs/}, {@code run/}, {@code tls/}) and the lock that lets one
 * {@code webstack up} at a time own it. The lock is an OS file lock on {@code run/webstack.lock},
 * so a crashed run (even SIGKILL) leaves nothing that blocks the next one; {@code run/webstack.pid}
 * says who holds it.
 */
final class DataDir implements AutoCloseable {
    private final Path root;
    private FileChannel lockChannel;
    private FileLock lock;

    DataDir(Path root) {
        this.root = root;
    }

    /** Thrown when another process holds the folder; the message names it and its pid. */
    static final class InUseException extends Exception {
        InUseException(String message) {
            super(message);
        }
    }

    void lock() throws IOException, InUseException {
        for (String sub : new String[] {"logs", "run", "tls"}) {
            Files.createDirectories(root.resolve(sub));
        }
        Path lockFile = root.resolve("run/webstack.lock");
        Path pidFile = root.resolve("run/webstack.pid");
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            String pid = Files.exists(pidFile) ? Files.readString(pidFile).trim() : "unknown";
            throw new InUseException("webstack is already running on the data folder " + root + " (pid " + pid
                    + ", lock " + lockFile + "); stop it first, or give this one another data-dir");
        }
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
    }

    Path root() {
        return root;
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                Files.deleteIfExists(root.resolve("run/webstack.pid"));
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
