package dev.webstack.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.config.UpstreamServerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The keep-alive pool over real sockets: idle connections that close leave it; a removed server's are closed. */
class ConnectionPoolTest {
    private EventLoopGroup loops;
    private ServerSocket backend;
    private final List<Socket> accepted = new ArrayList<>();
    private Thread acceptor;

    @BeforeEach
    void start() throws IOException {
        loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket s = backend.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }, "pool-test-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aRemovedServersIdleConnectionsAreClosedOnEveryLoopAndForgotten() throws Exception {
        ConnectionPool pool = new ConnectionPool(NioSocketChannel.class, new Nothing(), 8,
                Duration.ofSeconds(2));
        UpstreamServer server = new UpstreamServer(new UpstreamServerConfig("127.0.0.1", backend.getLocalPort(), 1, 0));
        List<Channel> pooled = new ArrayList<>();
        for (EventLoop loop : loopsOf(loops)) {
            for (int i = 0; i < 3; i++) {
                Channel channel = pool.connect(server, loop).sync().channel();
                on(loop, () -> {
                    pool.release(server, channel);
                    return null;
                });
                pooled.add(channel);
            }
            assertThat(on(loop, () -> pool.idleCount(server))).isEqualTo(3);
        }

        server.state(ServerState.REMOVED);
        pool.evict(server, loops);

        for (Channel channel : pooled) {
            assertThat(channel.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        }
        for (EventLoop loop : loopsOf(loops)) {
            assertThat(on(loop, () -> pool.idleCount(server))).isZero();
        }
    }

    @Test
    void anIdleConnectionThatTheServerClosesLeavesThePoolAtOnce() throws Exception {
        ConnectionPool pool = new ConnectionPool(NioSocketChannel.class, new Nothing(), 8,
                Duration.ofSeconds(2));
        UpstreamServer server = new UpstreamServer(new UpstreamServerConfig("127.0.0.1", backend.getLocalPort(), 1, 0));
        EventLoop loop = loops.next();
        Channel channel = pool.connect(server, loop).sync().channel();
        on(loop, () -> {
            pool.release(server, channel);
            return null;
        });
        assertThat(on(loop, () -> pool.idleCount(server))).isEqualTo(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            synchronized (accepted) {
                if (!accepted.isEmpty()) {
                    break;
                }
            }
            Thread.sleep(10);
        }
        synchronized (accepted) {
            accepted.get(0).close(); // the server hangs up on the idle connection
        }
        assertThat(channel.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(on(loop, () -> pool.idleCount(server))).isZero();
    }

    /** A connection's whole pipeline: the pool is under test, not the proxy. */
    @ChannelHandler.Sharable
    private static final class Nothing extends ChannelInboundHandlerAdapter {
    }

    private static List<EventLoop> loopsOf(EventLoopGroup group) {
        List<EventLoop> result = new ArrayList<>();
        group.forEach(e -> result.add((EventLoop) e));
        return result;
    }

    private static <T> T on(EventLoop loop, Callable<T> work) throws Exception {
        return loop.submit(work).get(5, TimeUnit.SECONDS);
    }
}
