package dev.webstack.dns.zone;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/** Reads an RFC 1035 master file with dnsjava's parser into a checked {@link Zone}. */
public final class ZoneFile {
    private static final long DEFAULT_TTL = 3600;

    private ZoneFile() {
    }

    /**
     * Parses and checks {@code file} as the zone {@code origin}. $INCLUDE is refused: a zone is one file, so every
     * error can name its line.
     */
    public static Zone load(Name origin, Path file) throws ZoneException {
        String name = file.toString();
        ZoneBuilder builder = new ZoneBuilder(origin, name);
        // dnsjava's tokenizer reads through a BufferedInputStream it is given as is; a one-byte buffer over the
        // counter (itself over a real buffer) makes the count of newlines the line the last record ended on.
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
                LineCounter lines = new LineCounter(raw);
                Master master = new Master(new BufferedInputStream(lines, 1), origin, DEFAULT_TTL)) {
            master.disableIncludes(true);
            Record record;
            while ((record = master.nextRecord()) != null) {
                builder.add(record, name + ":" + lines.line());
            }
        } catch (TextParseException e) {
            // The parser stops at a syntax error; what the checks found before it is reported with it.
            builder.problem(withFile(name, e.getMessage()));
        } catch (IOException e) {
            throw new ZoneException(List.of(name + ": cannot read: " + e.getMessage()));
        }
        return builder.build();
    }

    /** dnsjava names a stream "<none>" in its "<none>:N: reason" messages; put the file's name there. */
    private static String withFile(String file, String message) {
        String text = message == null ? "unreadable" : message;
        for (String unnamed : new String[] {"<none>:", "<stdin>:"}) {
            if (text.startsWith(unnamed)) {
                return file + text.substring(unnamed.length() - 1);
            }
        }
        return file + ": " + text;
    }

    private static final class LineCounter extends FilterInputStream {
        private int newlines;

        LineCounter(InputStream in) {
            super(in);
        }

        int line() {
            return newlines;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b == '\n') {
                newlines++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = offset; i < offset + n; i++) {
                if (buffer[i] == '\n') {
                    newlines++;
                }
            }
            return n;
        }
    }
}
