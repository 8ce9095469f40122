package dev.webstack.edge.config;

import java.util.Locale;

/**
 * How the edge's event loops talk to the kernel. {@link #AUTO} takes the fastest for the edge's work that this
 * machine allows: io_uring (Linux 5.14 and later, when not disabled by {@code kernel.io_uring_disabled} or a seccomp
 * filter) when no site serves files from disk, else epoll, else Java's NIO (see {@code Transport}). Asking for one
 * by name makes the edge refuse to start where it is not available, rather than silently run on another.
 */
public enum IoTransport {
    AUTO, IO_URING, EPOLL, NIO;

    /** The name in the config file: {@code auto}, {@code io_uring}, {@code epoll}, {@code nio}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
