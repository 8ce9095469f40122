package dev.webstack.edge.file;

import io.netty.channel.DefaultFileRegion;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A file descriptor kept open for a cached file, as nginx's open_file_cache keeps it, so that a
 * big file is sent with sendfile without an open and a close per request. Reference-counted: the
 * cache entry holds one reference and every response being sent holds one; the last release closes
 * the descriptor, so a file evicted or changed mid-send finishes sending first.
 */
final class OpenFile extends AbstractReferenceCounted {
    final FileChannel channel;

    OpenFile(FileChannel channel) {
        this.channel = channel;
    }

    /** A region of this file for a zero-copy write; it takes over one reference, released when sent. */
    DefaultFileRegion region(long position, long count) {
        return new Region(this, position, count);
    }

    @Override
    protected void deallocate() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        return this;
    }

    /** A file region whose descriptor is shared: sending it releases a reference instead of closing. */
    private static final class Region extends DefaultFileRegion {
        private final OpenFile file;

        Region(OpenFile file, long position, long count) {
            super(file.channel, position, count);
            this.file = file;
        }

        @Override
        protected void deallocate() {
            file.release();
        }
    }
}
