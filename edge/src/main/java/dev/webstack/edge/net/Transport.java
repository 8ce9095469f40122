package dev.webstack.edge.net;

import dev.webstack.edge.config.IoTransport;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * The event-loop machinery of one {@link IoTransport}: what drives the loops, and the channel types of listeners
 * and of connections to upstream servers (which must match the loops they run on).
 *
 * <p>Measured here (bench/run's configs, one event loop): io_uring passes about 10–15 % more proxied requests
 * and 5–10 % more small files a second than epoll: the loop hands its socket operations to the kernel in batches,
 * one {@code io_uring_enter} for many connections, rather than one system call each. But Netty's io_uring channels
 * send a file from disk through a pipe made for each response (two splices a chunk) where epoll's use one
 * {@code sendfile}: a 100 KiB file went at about two thirds of epoll's rate. So {@code auto} takes io_uring for an
 * edge whose sites serve no files from disk (a reverse proxy), and epoll for one that does.
 */
public record Transport(
        IoTransport kind,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerChannel> serverChannel,
        Class<? extends SocketChannel> socketChannel) {

    /**
     * The transport asked for; {@link IoTransport#AUTO} the best available for the work: io_uring when no site
     * serves files from disk and the kernel allows it, else epoll, else NIO.
     *
     * @param servesFiles whether some site has a document root (decided at start; a reload does not switch)
     * @throws IllegalStateException when the one asked for by name is not available here, with the reason
     */
    public static Transport of(IoTransport wanted, boolean servesFiles) {
        return switch (wanted) {
            case AUTO -> !servesFiles && IoUring.isAvailable() ? ioUring() : Epoll.isAvailable() ? epoll() : nio();
            case IO_URING -> {
                if (!IoUring.isAvailable()) {
                    throw unavailable(wanted, IoUring.unavailabilityCause());
                }
                yield ioUring();
            }
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw unavailable(wanted, Epoll.unavailabilityCause());
                }
                yield epoll();
            }
            case NIO -> nio();
        };
    }

    /** The name in logs and the config file. */
    public String name() {
        return kind.configName();
    }

    private static Transport ioUring() {
        return new Transport(IoTransport.IO_URING, IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class);
    }

    private static Transport epoll() {
        return new Transport(IoTransport.EPOLL, EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class);
    }

    private static Transport nio() {
        return new Transport(IoTransport.NIO, NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class);
    }

    private static IllegalStateException unavailable(IoTransport wanted, Throwable cause) {
        String why = cause == null ? "unknown reason" : cause.getMessage();
        return new IllegalStateException("edge.transport " + wanted.configName() + " is not available on this machine ("
                + why + "); use auto to take the best available", cause);
    }
}
