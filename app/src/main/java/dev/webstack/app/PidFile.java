package dev.webstack.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * {@code run/app-N.pid}: the pid of instance N while it runs, so that the next start can stop what a crashed run
 * left behind. Written whole (through a rename), deleted only while it still names the process it was written for.
 *
 * <p>The file holds the pid and, on a second line, the {@linkplain AppConfig#mark mark} of the command it runs: after
 * a deploy of another jar, the config file's command no longer names the running instances, the pid file does.
 * During a restart or deploy the old and the new instance of slot N run side by side, so each generation of
 * instances has its own files: {@code app-N.pid} for the instances {@link AppServer#start} spawned,
 * {@code app-N.G.pid} for those of generation G (G = 2, 3, … counts the restarts, deploys and rollbacks of one
 * {@link AppServer}).
 */
final class PidFile {
    /** Every name {@link #of} gives: group 1 is the slot, group 2 the generation (absent for the first). */
    static final Pattern NAME = Pattern.compile("app-(\\d+)(?:\\.(\\d+))?\\.pid");

    private final Path path;

    PidFile(Path path) {
        this.path = path;
    }

    /** The pid file of slot {@code index} for the instances of {@code generation} (1 for those start spawned). */
    static PidFile of(Path runDir, int index, int generation) {
        return new PidFile(runDir.resolve(generation == 1 ? "app-" + index + ".pid"
                : "app-" + index + "." + generation + ".pid"));
    }

    Path path() {
        return path;
    }

    /** Writes {@code PID\nMARK\n}; a mark with a line break in it is left out (the config's mark is used then). */
    void write(long pid, String mark) throws IOException {
        Path partial = path.resolveSibling(path.getFileName() + ".partial");
        String text = mark.contains("\n") || mark.contains("\r") ? pid + "\n" : pid + "\n" + mark + "\n";
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The pid the file names; empty when there is no file or it holds no pid. */
    OptionalLong read() {
        List<String> lines = lines();
        String first = lines.isEmpty() ? "" : lines.get(0).trim();
        return first.matches("\\d{1,10}") ? OptionalLong.of(Long.parseLong(first)) : OptionalLong.empty();
    }

    /** The mark on the second line; empty for a file of an earlier version, which holds only the pid. */
    Optional<String> mark() {
        List<String> lines = lines();
        return lines.size() < 2 || lines.get(1).isEmpty() ? Optional.empty() : Optional.of(lines.get(1));
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

    private List<String> lines() {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(); // no file, or not text: it names nothing
        }
    }
}
