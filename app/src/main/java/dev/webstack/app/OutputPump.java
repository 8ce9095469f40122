package dev.webstack.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads an instance's stdout and stderr (one pipe) as fast as it comes and appends it to the instance's
 * {@link RotatingLog}, so the child never waits on a full pipe for longer than a local file write. It keeps the last
 * few KiB in memory for error messages ({@code Address already in use}, the last line before a crash). When the log
 * cannot be written (disk full), output is read and dropped rather than left to block the child.
 */
final class OutputPump implements Runnable {
    private static final int TAIL_BYTES = 4096;

    private final InputStream in;
    private final RotatingLog log;
    private final byte[] tail = new byte[TAIL_BYTES];
    private int tailLength;

    OutputPump(InputStream in, RotatingLog log) {
        this.in = in;
        this.log = log;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                try {
                    log.write(buffer, 0, n);
                } catch (IOException e) {
                    // dropped: a full disk must not stop the instance
                }
                remember(buffer, n);
            }
        } catch (IOException e) {
            log.line("output lost: " + e);
        }
    }

    /** The last output, at most a few KiB, as text. */
    synchronized String tail() {
        return new String(tail, 0, tailLength, StandardCharsets.UTF_8);
    }

    /** The last non-blank line of output, at most 200 characters, or "" when there was none. */
    String lastLine() {
        String[] lines = tail().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (!line.isEmpty()) {
                return line.length() > 200 ? line.substring(0, 200) + "…" : line;
            }
        }
        return "";
    }

    private synchronized void remember(byte[] bytes, int n) {
        if (n >= TAIL_BYTES) {
            System.arraycopy(bytes, n - TAIL_BYTES, tail, 0, TAIL_BYTES);
            tailLength = TAIL_BYTES;
            return;
        }
        int keep = Math.min(tailLength, TAIL_BYTES - n);
        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
        System.arraycopy(bytes, 0, tail, keep, n);
        tailLength = keep + n;
    }
}
