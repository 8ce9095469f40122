package dev.webstack.edge.file;

import dev.webstack.edge.config.FilesConfig;
import dev.webstack.edge.http.HttpDates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * The open-file cache of one site (nginx's open_file_cache): request path → {@link FileLookup},
 * trusted for {@code cache-valid}, then checked against the disk again. Small files' bytes are kept
 * in memory within a budget shared by all sites; bigger ones are sent from the file.
 */
final class FileCache {
    private static final int MAX_ENTRIES = 10_000;
    /** One background thread for compressing big files, shared by all sites. */
    private static final Executor COMPRESSOR = new ThreadPoolExecutor(
            1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(16), r -> {
                Thread t = new Thread(r, "edge-gzip");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy()); // a full queue: the file goes uncompressed for now

    private final Path root;
    private final Path realRoot;
    private final String index;
    private final FilesConfig config;
    private final long validNanos;
    private final AtomicLong memoryUsed;
    private final Map<String, FileLookup> lookups = new ConcurrentHashMap<>();

    FileCache(Path root, String index, FilesConfig config, AtomicLong memoryUsed) throws IOException {
        this.root = root;
        this.realRoot = root.toRealPath();
        this.index = index;
        this.config = config;
        this.validNanos = config.cacheValid().toNanos();
        this.memoryUsed = memoryUsed;
    }

    /**
     * The lookup for a raw request path (no query), from the cache while it is valid. The cache is
     * keyed by the normalised path, so that the many spellings of one file ({@code //a}, {@code /./a},
     * {@code /%61}) share one entry, one descriptor and one gzip; a path already in normal form
     * (the common case) is its own key and is not decoded on a hit.
     */
    FileLookup lookup(String rawPath) {
        long now = System.nanoTime();
        String key = rawPath;
        RequestPath.Decoded decoded = null;
        if (!isNormal(rawPath)) {
            decoded = RequestPath.decode(rawPath);
            if (decoded.refusal() != null) {
                // Refusals are not cached: cheap to decide again, and they must not crowd out files.
                return FileLookup.of(decoded.refusal() == RequestPath.Refusal.BAD_REQUEST
                        ? FileLookup.Kind.BAD_REQUEST
                        : FileLookup.Kind.NOT_FOUND, now);
            }
            RequestPath p = decoded.path();
            key = "/" + p.relative() + (p.trailingSlash() && !p.segments().isEmpty() ? "/" : "");
        }
        FileLookup cached = lookups.get(key);
        if (cached != null && now - cached.checkedAtNanos() < validNanos) {
            return cached;
        }
        FileLookup fresh = resolve(decoded != null ? decoded : RequestPath.decode(rawPath), cached, now);
        if (cached == null && lookups.size() >= MAX_ENTRIES) {
            clear();
        }
        FileLookup old = lookups.put(key, fresh);
        if (old != null && old.file() != null && old.file() != fresh.file()) {
            release(old.file());
        }
        return fresh;
    }

    void clear() {
        for (String key : lookups.keySet()) {
            FileLookup removed = lookups.remove(key); // release only what this call took out
            if (removed != null && removed.file() != null) {
                release(removed.file());
            }
        }
    }

    /** An entry leaves the cache: its memory goes back to the budget, including a gzip that lands later. */
    private void release(FileEntry e) {
        synchronized (e) {
            e.release();
            memoryUsed.addAndGet(-e.memory());
        }
    }

    /** Whether a raw path is already its own normal form: ASCII, no escapes, no empty or dot segments. */
    private static boolean isNormal(String rawPath) {
        char prev = 0;
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '%' || c == '\\' || (prev == '/' && (c == '/' || c == '.'))) {
                return false;
            }
            prev = c;
        }
        return true;
    }

    private FileLookup resolve(RequestPath.Decoded decoded, FileLookup previous, long now) {
        if (decoded.refusal() == RequestPath.Refusal.BAD_REQUEST) {
            return FileLookup.of(FileLookup.Kind.BAD_REQUEST, now);
        }
        if (decoded.refusal() == RequestPath.Refusal.HIDDEN) {
            return FileLookup.of(FileLookup.Kind.NOT_FOUND, now);
        }
        RequestPath path = decoded.path();
        try {
            Path file = path.segments().isEmpty() ? root : root.resolve(path.relative());
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (attrs.isDirectory()) {
                if (!path.trailingSlash()) {
                    return FileLookup.of(FileLookup.Kind.ADD_SLASH, now);
                }
                file = file.resolve(index);
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    return FileLookup.of(FileLookup.Kind.FORBIDDEN, now); // a folder without index: nginx says 403
                }
            } else if (path.trailingSlash()) {
                return FileLookup.of(FileLookup.Kind.NOT_FOUND, now);
            }
            if (!attrs.isRegularFile() || !insideRoot(file)) {
                return FileLookup.of(FileLookup.Kind.NOT_FOUND, now);
            }
            FileEntry before = previous == null ? null : previous.file();
            FileEntry entry = entry(file, attrs, MimeTypes.forFileName(file.getFileName().toString()), before, true);
            return new FileLookup(FileLookup.Kind.FILE, entry, now);
        } catch (NoSuchFileException e) {
            return FileLookup.of(FileLookup.Kind.NOT_FOUND, now);
        } catch (AccessDeniedException e) {
            return FileLookup.of(FileLookup.Kind.FORBIDDEN, now);
        } catch (java.nio.file.InvalidPathException e) {
            return FileLookup.of(FileLookup.Kind.BAD_REQUEST, now); // a name this file system cannot hold
        } catch (IOException e) {
            // ENOTDIR (a file used as a folder), a name too long, a loop of links: nothing to serve.
            return FileLookup.of(FileLookup.Kind.NOT_FOUND, now);
        }
    }

    /** A symlink may point anywhere inside the root, never outside it. */
    private boolean insideRoot(Path file) throws IOException {
        return file.toRealPath().startsWith(realRoot);
    }

    private FileEntry entry(Path file, BasicFileAttributes attrs, String contentType, FileEntry before, boolean siblings)
            throws IOException {
        long size = attrs.size();
        long mtime = attrs.lastModifiedTime().toMillis();
        boolean compressible = isCompressible(contentType);
        FileEntry br = null;
        FileEntry gz = null;
        if (siblings) {
            br = sibling(file, ".br", contentType, before == null ? null : before.br);
            gz = sibling(file, ".gz", contentType, before == null ? null : before.gz);
        }
        ByteBuf content = null;
        ByteBuf gzipped = null;
        if (before != null && before.sameFileAs(file, size, mtime)) {
            content = before.content;
            gzipped = before.gzipped();
            memoryUsed.addAndGet(before.ownMemory()); // the old entry releases its share when replaced
        } else if (size <= config.memoryCacheMaxFile() && reserve(size)) {
            content = read(file, size);
            if (content == null) {
                memoryUsed.addAndGet(-size);
            }
        }
        // nginx's etag: hex mtime seconds and hex size.
        String etag = "\"" + Long.toHexString(mtime / 1000) + "-" + Long.toHexString(size) + "\"";
        FileEntry entry = new FileEntry(
                file, size, mtime, etag, HttpDates.format(mtime), contentType, compressible, content, br, gz);
        if (gzipped != null) {
            entry.gzipped(gzipped);
        }
        return entry;
    }

    private FileEntry sibling(Path file, String suffix, String contentType, FileEntry before) throws IOException {
        Path s = file.resolveSibling(file.getFileName() + suffix);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(s, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
        if (!attrs.isRegularFile() || !insideRoot(s)) {
            return null;
        }
        return entry(s, attrs, contentType, before, false);
    }

    private boolean reserve(long bytes) {
        long used;
        do {
            used = memoryUsed.get();
            if (used + bytes > config.memoryCacheSize()) {
                return false;
            }
        } while (!memoryUsed.compareAndSet(used, used + bytes));
        return true;
    }

    /** Reads a whole small file into a direct buffer that every response shares read-only. */
    private static ByteBuf read(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.allocateDirect((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // keep reading
            }
            if (buf.hasRemaining()) {
                return null; // the file shrank while we read it: serve it from disk this time
            }
            buf.flip();
            return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(buf).asReadOnly());
        } catch (IOException e) {
            return null;
        }
    }

    boolean isCompressible(String contentType) {
        int semi = contentType.indexOf(';');
        String type = semi < 0 ? contentType : contentType.substring(0, semi);
        for (String t : config.gzipTypes()) {
            if (t.endsWith("/*") ? type.startsWith(t.substring(0, t.length() - 1)) : type.equals(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The gzipped bytes of a file, made once and kept with its entry (within the memory budget);
     * null when gzip does not apply, or while a big file is still being compressed. A file up to
     * memory-cache-max-file is compressed at once (well under a millisecond for 64 KiB); a bigger
     * one on a background thread, so that no event loop stalls, and is sent uncompressed until
     * then (still correct: {@code Vary} is sent either way).
     */
    ByteBuf gzipped(FileEntry e) {
        ByteBuf done = e.gzipped();
        if (done != null) {
            return done;
        }
        if (!config.gzip() || !e.compressible || e.size < config.gzipMinLength() || e.size > config.gzipMaxLength()) {
            return null;
        }
        if (!e.compressing.compareAndSet(false, true)) {
            return null;
        }
        if (e.content != null) {
            compress(e);
            return e.gzipped();
        }
        COMPRESSOR.execute(() -> compress(e));
        return null;
    }

    private void compress(FileEntry e) {
        try {
            byte[] plain;
            if (e.content != null) {
                plain = new byte[e.content.readableBytes()];
                e.content.getBytes(e.content.readerIndex(), plain);
            } else {
                plain = Files.readAllBytes(e.path);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 3 + 64);
            try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
                gzip.write(plain);
            }
            byte[] packed = out.toByteArray();
            if (reserve(packed.length)) {
                ByteBuffer direct = ByteBuffer.allocateDirect(packed.length).put(packed).flip();
                synchronized (e) {
                    if (e.released) {
                        memoryUsed.addAndGet(-packed.length); // replaced while we compressed
                    } else {
                        e.gzipped(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct).asReadOnly()));
                    }
                }
            }
        } catch (IOException ex) {
            // unreadable now: it is sent uncompressed, and the next lookup of a changed file tries again
        }
    }
}
