package dev.webstack.edge.file;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One regular file as the cache last saw it: its validators, its media type, and its bytes when it
 * is small enough to keep in memory. Immutable but for the gzipped variant, made on first demand.
 */
final class FileEntry {
    final Path path;
    final long size;
    final long mtimeMillis;
    final String etag;
    final String lastModified;
    final String contentType;
    final boolean compressible;
    /** The whole file, read-only and shared; null when the file is sent from disk. */
    final ByteBuf content;
    /** Precompressed siblings ({@code name.br}, {@code name.gz}); null when absent. */
    final FileEntry br;
    final FileEntry gz;

    private volatile ByteBuf gzipped;
    /** Set by the one thread that compresses this file, so it is compressed once. */
    final AtomicBoolean compressing = new AtomicBoolean();
    /** Set (under this entry's lock) when the cache has let go of it. */
    boolean released;
    /** The descriptor kept open for zero-copy sends of a file not held in memory. */
    private OpenFile open;

    FileEntry(
            Path path,
            long size,
            long mtimeMillis,
            String etag,
            String lastModified,
            String contentType,
            boolean compressible,
            ByteBuf content,
            FileEntry br,
            FileEntry gz) {
        this.path = path;
        this.size = size;
        this.mtimeMillis = mtimeMillis;
        this.etag = etag;
        this.lastModified = lastModified;
        this.contentType = contentType;
        this.compressible = compressible;
        this.content = content;
        this.br = br;
        this.gz = gz;
    }

    boolean sameFileAs(Path otherPath, long otherSize, long otherMtime) {
        return path.equals(otherPath) && size == otherSize && mtimeMillis == otherMtime;
    }

    /**
     * The file's open descriptor with one reference for the caller (who releases it, or hands it
     * to a file region that does). Opened on first use and kept while the entry is cached.
     */
    synchronized OpenFile retainOpenFile() throws IOException {
        if (released) {
            return new OpenFile(FileChannel.open(path, StandardOpenOption.READ)); // the caller's alone
        }
        if (open == null) {
            open = new OpenFile(FileChannel.open(path, StandardOpenOption.READ));
        }
        open.retain();
        return open;
    }

    /** The cache lets go of this entry (and its siblings): their descriptors close once no send uses them. */
    synchronized void release() {
        released = true;
        if (open != null) {
            open.release();
            open = null;
        }
        if (br != null) {
            br.release();
        }
        if (gz != null) {
            gz.release();
        }
    }

    ByteBuf gzipped() {
        return gzipped;
    }

    void gzipped(ByteBuf bytes) {
        gzipped = bytes;
    }

    /** Bytes this entry's own content holds in memory, for the cache's budget. */
    long ownMemory() {
        long m = content == null ? 0 : content.capacity();
        ByteBuf g = gzipped;
        return g == null ? m : m + g.capacity();
    }

    /** Bytes held in memory by this entry and its precompressed siblings. */
    long memory() {
        return ownMemory() + (br == null ? 0 : br.memory()) + (gz == null ? 0 : gz.memory());
    }
}
