package dev.webstack.edge.log;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The edge's error log ({@code logs/error.log}), one line per event in nginx's shape:
 * {@code 2026/11/27 18:37:10 [error] message}. Errors are rare, so lines are written at once.
 */
public final class ErrorLog implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");

    private final PrintStream out;

    public ErrorLog(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        this.out = new PrintStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true,
                StandardCharsets.UTF_8);
    }

    public void error(String message) {
        write("error", message);
    }

    public void warn(String message) {
        write("warn", message);
    }

    public void info(String message) {
        write("info", message);
    }

    private synchronized void write(String level, String message) {
        out.print(LocalDateTime.now().format(TIME) + " [" + level + "] " + message + "\n");
    }

    @Override
    public synchronized void close() {
        out.close();
    }
}
