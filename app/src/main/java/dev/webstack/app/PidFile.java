package dev.webstack.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * {@code run/app-N.pid}: the pid of instance N while it runs, so that the next start can stop what a crashed run
 * left behind. Written whole (through a rename), deleted only while it still names the process it was written for.
 */
final class PidFile {
    private final Path path;

    PidFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    void write(long pid) throws IOException {
        Path partial = path.resolveSibling(path.getFileName() + ".partial");
        Files.writeString(partial, pid + "\n", StandardCharsets.US_ASCII);
        Files.move(partial, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The pid the file names; empty when there is no file or it holds no pid. */
    OptionalLong read() {
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII).trim();
            return text.matches("\\d{1,10}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** Deletes the file if it still names {@code pid} (another run may have taken it over since). */
    void deleteIfNames(long pid) {
        if (read().equals(OptionalLong.of(pid))) {
            delete();
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a stale pid file is harmless: the next start checks what it names
        }
    }
}
