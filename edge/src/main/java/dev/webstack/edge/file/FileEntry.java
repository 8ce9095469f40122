package dev.webstack.edge.file;

import io.netty.buffer.ByteBuf;
import java.nio.file.Path;
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
