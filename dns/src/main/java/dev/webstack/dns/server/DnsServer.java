package dev.webstack.dns.server;

import dev.webstack.dns.config.DnsConfig;
import dev.webstack.dns.query.Responder;
import dev.webstack.dns.query.ResponseRateLimiter;
import dev.webstack.dns.zone.Zones;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The DNS tier's server: owns the event loops and the UDP and TCP sockets on one port, and the current zone
 * snapshot. With epoll, each event loop gets its own UDP socket on the port (SO_REUSEPORT), so queries are spread
 * over the cores by the kernel. Construction does no I/O; {@link #start} binds; {@link #reload} swaps the zones
 * while queries run, each query seeing one snapshot whole; {@link #close} works after a partial start.
 */
public final class DnsServer implements AutoCloseable {
    private static final int UDP_RECEIVE_BUFFER = 1 << 20;
    private static final int MAX_QUERY = 4096;

    private final DnsConfig config;
    private final AtomicReference<Zones> zones;
    private final List<Channel> channels = new ArrayList<>();
    private EventLoopGroup group;
    private InetSocketAddress address;
    private boolean closed;

    public DnsServer(DnsConfig config, Zones zones) {
        this.config = config;
        this.zones = new AtomicReference<>(zones);
    }

    public synchronized void start() throws IOException, InterruptedException {
        if (group != null || closed) {
            throw new IllegalStateException("a DNS server starts once");
        }
        boolean epoll = Epoll.isAvailable();
        int threads = config.workers() > 0 ? config.workers() : Runtime.getRuntime().availableProcessors();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("dns", true), io);
        ResponseRateLimiter limiter = config.rateLimit().isEnabled()
                ? new ResponseRateLimiter(config.rateLimit()) : null;
        Responder responder = new Responder(zones::get, config.udpSize(), config::isTransferAllowed, limiter);

        // TCP first: with port 0 the kernel picks the port, and UDP then takes the same one.
        ChannelFuture tcp = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new DnsTcpInitializer(config, responder))
                .bind(config.listen())
                .await();
        check(tcp, "tcp", config.listen());
        address = (InetSocketAddress) tcp.channel().localAddress();

        UdpQueryHandler udpHandler = new UdpQueryHandler(responder);
        int sockets = epoll ? threads : 1;
        for (int i = 0; i < sockets; i++) {
            Bootstrap udp = new Bootstrap()
                    .group(group)
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
                    .handler(udpHandler);
            if (epoll) {
                // recvmmsg: up to 16 queries per system call, each up to MAX_QUERY bytes (a longer datagram is
                // cut there, and then fails to parse: no query needs that much).
                udp.option(EpollChannelOption.SO_REUSEPORT, true)
                        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
                        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY * 16));
            } else {
                udp.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY));
            }
            check(udp.bind(address).await(), "udp", address);
        }
    }

    private void check(ChannelFuture bound, String protocol, InetSocketAddress at) throws BindException {
        if (!bound.isSuccess()) {
            String why = String.valueOf(bound.cause().getMessage());
            if (why.contains("Address already in use")) {
                why = "address already in use";
            }
            throw new BindException("cannot listen on " + protocol + " " + hostPort(at) + ": " + why);
        }
        channels.add(bound.channel());
    }

    /** Serves {@code next} from now on; queries already being answered finish on the zones they started with. */
    public void reload(Zones next) {
        zones.set(next);
    }

    public Zones zones() {
        return zones.get();
    }

    /** The bound address, the same port for UDP and TCP (the real port when 0 was configured). */
    public InetSocketAddress address() {
        return address;
    }

    /** For the ready line: {@code udp+tcp 127.0.0.1:5353}. */
    public String describe() {
        return "udp+tcp " + hostPort(address);
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Channel channel : channels) {
            channel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
