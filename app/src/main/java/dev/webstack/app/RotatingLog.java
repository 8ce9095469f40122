package dev.webstack.app;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One instance's log file, {@code logs/app-N.log}, rotated by size the way logrotate's {@code size} and
 * {@code rotate} options do it: when the next write would pass {@code maxBytes}, {@code app-N.log.K-1} becomes
 * {@code app-N.log.K} … and {@code app-N.log} becomes {@code app-N.log.1}; the oldest beyond {@code kept} is
 * deleted. So the instance's output never takes more than {@code (kept + 1) * maxBytes} of disk, whatever it writes.
 *
 * <p>Both the instance's output (written by its {@link OutputPump}) and the supervisor's own lines go here; a file
 * is cut at a line end when one fits, so a line is split only when it is longer than a whole file.
 */
final class RotatingLog implements AutoCloseable {
    private final Path file;
    private final long maxBytes;
    private final int kept;
    private OutputStream out;
    private long size;
    private boolean midLine;

    RotatingLog(Path file, long maxBytes, int kept) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.kept = kept;
    }

    Path file() {
        return file;
    }

    /** Appends bytes of the instance's output, rotating as often as needed. */
    synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        open();
        int off = offset;
        int len = length;
        while (len > 0) {
            long room = maxBytes - size;
            if (len <= room) {
                out.write(bytes, off, len);
                size += len;
                break;
            }
            int cut = afterLastNewline(bytes, off, (int) room);
            if (cut == 0 && size > 0) {
                rotate(); // the line starts in a fresh file
                continue;
            }
            int n = cut > 0 ? cut : (int) room; // a line longer than a whole file is split
            out.write(bytes, off, n);
            size += n;
            off += n;
            len -= n;
            rotate();
        }
        midLine = bytes[offset + length - 1] != '\n';
    }

    /** Appends one line of the supervisor's own ({@code started pid P on port X}), timestamped; never throws. */
    synchronized void line(String text) {
        String line = (midLine ? "\n" : "") + Instant.now().truncatedTo(ChronoUnit.MILLIS) + " [webstack] " + text
                + "\n";
        try {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            write(bytes, 0, bytes.length);
        } catch (IOException e) {
            // the disk is full or the folder gone: the line is lost, as the instance's own output would be
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // nothing buffered: each write went straight to the file
            }
            out = null;
        }
    }

    private void open() throws IOException {
        if (out == null) {
            Files.createDirectories(file.getParent());
            out = new FileOutputStream(file.toFile(), true);
            size = Files.size(file);
        }
    }

    private void rotate() throws IOException {
        out.close();
        out = null;
        if (kept == 0) {
            Files.deleteIfExists(file);
        } else {
            Files.deleteIfExists(rotated(kept));
            for (int k = kept - 1; k >= 1; k--) {
                if (Files.exists(rotated(k))) {
                    Files.move(rotated(k), rotated(k + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        }
        out = new FileOutputStream(file.toFile(), false);
        size = 0;
    }

    private Path rotated(int k) {
        return file.resolveSibling(file.getFileName() + "." + k);
    }

    /** How many of the first {@code length} bytes end with the last newline among them; 0 when there is none. */
    private static int afterLastNewline(byte[] bytes, int offset, int length) {
        for (int i = offset + length - 1; i >= offset; i--) {
            if (bytes[i] == '\n') {
                return i + 1 - offset;
            }
        }
        return 0;
    }
}
