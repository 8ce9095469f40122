package dev.webstack.db;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The site user's password for the embedded database, generated on first start and kept in a file only its owner
 * can read (mode 0600), so that no password is ever typed, passed on a command line or written to a log.
 */
final class Credentials {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Credentials() {
    }

    /**
     * The password stored in {@code file} (its first line), or a new one written there (0600) when the file does not
     * exist. The file holds nothing but the password, so it can be handed to an application as is (the site's
     * {@code DB_PASSWORD_FILE}).
     */
    static String loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int eol = text.indexOf('\n');
            String password = (eol < 0 ? text : text.substring(0, eol)).strip();
            if (password.isEmpty()) {
                throw new IOException(file + " is empty; delete it to make a new password (the next start sets the"
                        + " database user's password to the new one)");
            }
            if (!password.matches("[A-Za-z0-9_-]{16,200}")) {
                throw new IOException(file + ": expected a password of 16 or more letters, digits, '-' or '_'"
                        + "; delete it to make a new one");
            }
            return password;
        }
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        writePrivate(file, w -> w.write(password + "\n"));
        return password;
    }

    interface Content {
        void write(Writer w) throws IOException;
    }

    /** Writes a file that only its owner can read, atomically: it never exists with wider permissions. */
    static void writePrivate(Path file, Content content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            content.write(w);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
