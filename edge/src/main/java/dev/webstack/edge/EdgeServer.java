package dev.webstack.edge;

import dev.webstack.edge.config.EdgeConfig;
import dev.webstack.edge.config.LocationConfig;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.config.UpstreamServerConfig;
import dev.webstack.edge.config.SiteConfig;
import dev.webstack.edge.file.StaticFileRoute;
import dev.webstack.edge.http.ExceptionHandler;
import dev.webstack.edge.http.RedirectRoute;
import dev.webstack.edge.http.RequestHandler;
import dev.webstack.edge.http.Route;
import dev.webstack.edge.http.VirtualHosts;
import dev.webstack.edge.log.AccessLog;
import dev.webstack.edge.log.ErrorLog;
import dev.webstack.edge.net.Transport;
import dev.webstack.edge.proxy.FilesThenProxyRoute;
import dev.webstack.edge.proxy.LocationRoute;
import dev.webstack.edge.proxy.ProxyRoute;
import dev.webstack.edge.proxy.UpstreamChannelInitializer;
import dev.webstack.edge.upstream.ConnectionPool;
import dev.webstack.edge.upstream.Upstream;
import dev.webstack.edge.upstream.UpstreamServer;
import dev.webstack.edge.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The edge tier's server: owns the event loops and the listening sockets (plain HTTP and HTTPS),
 * compiles the sites into {@link VirtualHosts}, and drains connections on close. Construction does
 * no I/O; {@link #start} binds; {@link #close} stops accepting, lets in-flight requests finish
 * within the shutdown grace, then closes what is left. Works after a partial start.
 */
public final class EdgeServer implements AutoCloseable {
    private final EdgeConfig config;
    private final Path dataDir;
    private final AtomicReference<VirtualHosts> hosts = new AtomicReference<>();
    private final AtomicReference<VirtualHosts> plainHosts = new AtomicReference<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong fileMemory = new AtomicLong();
    private volatile boolean draining;
    private boolean closed;
    private final List<Channel> listeners = new ArrayList<>();
    private volatile EventLoopGroup group;
    private ChannelGroup connections;
    private final Map<String, Upstream> upstreams = new HashMap<>(); // guarded by this once started
    /** The pools' routes by name, kept across reloads so a pool's connections and run-time servers survive. */
    private final Map<String, ProxyRoute> proxies = new HashMap<>();
    /** The sites and pools as last loaded (at start, or by {@link #reload}). */
    private EdgeConfig routing;
    private Transport transport;
    private ScheduledExecutorService healthChecks;
    private AccessLog accessLog;
    private ErrorLog errorLog;
    private InetSocketAddress httpAddress;
    private InetSocketAddress httpsAddress;

    /** @param dataDir the stack's data folder: logs go to {@code logs/}, a generated certificate to {@code tls/} */
    public EdgeServer(EdgeConfig config, Path dataDir) {
        this.config = config;
        this.dataDir = dataDir;
    }

    public void start() throws IOException, InterruptedException {
        Path logs = dataDir.resolve("logs");
        errorLog = new ErrorLog(logs.resolve("error.log"));
        boolean servesFiles = config.sites().stream().anyMatch(site -> site.root().isPresent());
        transport = Transport.of(config.transport(), servesFiles);
        routing = config;
        proxies.putAll(pools(config, Map.of()));
        proxies.forEach((name, route) -> upstreams.put(name, route.upstream()));
        hosts.set(compile(config, proxies));
        if (config.accessLog()) {
            accessLog = new AccessLog(logs.resolve("access.log"));
            accessLog.start();
        }
        Class<? extends ServerChannel> channelType = transport.serverChannel();
        int threads = config.workers() > 0 ? config.workers() : Runtime.getRuntime().availableProcessors();
        group = new MultiThreadIoEventLoopGroup(threads, transport.ioHandlerFactory());
        healthChecks = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("upstream-health", true));
        for (Upstream upstream : upstreams.values()) {
            upstream.start(healthChecks);
        }
        connections = new DefaultChannelGroup("edge-connections", GlobalEventExecutor.INSTANCE);
        ExceptionHandler exceptions = new ExceptionHandler(errorLog);

        // HTTPS first: the HTTP → HTTPS redirect needs its bound port (configured 0 picks one).
        if (config.https().enabled()) {
            SslContext ssl = TlsContexts.forServer(config.https(), hostNames(), dataDir.resolve("tls"));
            Channel ch = bind(channelType, config.https().address(), config.https().port(),
                    new EdgeChannelInitializer(config, ssl, hosts, accessLog, exceptions, connections, open, this::isDraining));
            httpsAddress = (InetSocketAddress) ch.localAddress();
        }
        plainHosts.set(hosts.get());
        if (config.https().enabled() && config.https().redirectHttp()) {
            List<String> names = hostNames();
            String fallback = names.isEmpty() ? httpsAddress.getAddress().getHostAddress() : names.get(0);
            plainHosts.set(VirtualHosts.builder()
                    .fallback(RedirectRoute.toHttps(httpsAddress.getPort(), fallback))
                    .build());
        }
        if (config.http().enabled()) {
            Channel ch = bind(channelType, config.http().address(), config.http().port(),
                    new EdgeChannelInitializer(config, null, plainHosts, accessLog, exceptions, connections, open, this::isDraining));
            httpAddress = (InetSocketAddress) ch.localAddress();
        }
        errorLog.info("edge started: " + describe() + " (" + transport.name() + "), " + threads + " event loops");
    }

    private Channel bind(Class<? extends ServerChannel> type, String address, int port, EdgeChannelInitializer init)
            throws IOException, InterruptedException {
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(init)
                .bind(address, port)
                .await();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            String why = String.valueOf(cause.getMessage());
            if (why.contains("Address already in use")) {
                why = "address already in use";
            }
            throw new BindException("cannot listen on " + address + ":" + port + ": " + why);
        }
        Channel ch = bound.channel();
        listeners.add(ch);
        return ch;
    }

    /**
     * The routes of {@code c}'s pools: the running route of a pool of that name where {@code running} has one (its
     * servers added at run time, its connections and health kept), else a new one. An upstream host that does not
     * resolve fails here, before anything changes.
     */
    private Map<String, ProxyRoute> pools(EdgeConfig c, Map<String, ProxyRoute> running) {
        Map<String, ProxyRoute> routes = new HashMap<>();
        for (UpstreamConfig u : c.upstreams()) {
            for (UpstreamServerConfig server : u.servers()) {
                if (new InetSocketAddress(server.host(), server.port()).isUnresolved()) {
                    throw new IllegalArgumentException("upstream " + u.name() + ": server " + server.address()
                            + " does not resolve");
                }
            }
            ProxyRoute route = running.get(u.name());
            routes.put(u.name(), route != null ? route : newPool(u, c));
        }
        return routes;
    }

    private ProxyRoute newPool(UpstreamConfig u, EdgeConfig c) {
        Upstream upstream = new Upstream(u, errorLog::info);
        ConnectionPool pool = new ConnectionPool(transport.socketChannel(),
                new UpstreamChannelInitializer(u.responseTimeout(), u.idleTimeout(), c.limits().maxHeaderSize()),
                u.keepalive(), u.connectTimeout());
        upstream.onRemove(server -> {
            EventLoopGroup loops = group;
            if (loops != null) {
                pool.evict(server, loops);
            }
        });
        return new ProxyRoute(upstream, pool, errorLog::warn);
    }

    /** The sites compiled into routes over the given pools; a site root that cannot be opened fails here. */
    private VirtualHosts compile(EdgeConfig c, Map<String, ProxyRoute> proxies) {
        VirtualHosts.Builder b = VirtualHosts.builder();
        for (SiteConfig site : c.sites()) {
            Route route;
            if (site.redirect().isPresent()) {
                route = RedirectRoute.toHost(site.redirect().get());
            } else {
                StaticFileRoute files = site.root().isPresent() ? new StaticFileRoute(site, c.files(), fileMemory) : null;
                ProxyRoute proxy = site.proxy().map(name -> pool(proxies, name)).orElse(null);
                route = files == null ? proxy : proxy == null ? files : new FilesThenProxyRoute(files, proxy);
            }
            if (!site.locations().isEmpty()) {
                Map<String, Route> prefixes = new LinkedHashMap<>();
                for (LocationConfig location : site.locations()) {
                    prefixes.put(location.prefix(), pool(proxies, location.proxy()));
                }
                route = new LocationRoute(prefixes, route);
            }
            for (String host : site.hosts()) {
                b.add(host, route);
            }
        }
        c.defaultHost().ifPresent(h -> b.fallback(b.get(h)));
        return b.build();
    }

    /**
     * Applies a changed config's sites and upstream pools while serving, as nginx's reload does, without closing a
     * connection: the new routes are built whole, then swapped in at once; requests already routed finish where
     * they were. A pool that stays (by name) keeps its connections, its health state and the servers the app tier
     * added; the servers its config lists are added or drained and removed to match. Pools no longer named stop
     * taking requests. Listeners, TLS, limits, file settings, workers and the access log stay as started.
     *
     * @return what changed, one line each, and what takes effect only at the next start
     * @throws IllegalArgumentException when a site root cannot be opened or an upstream host does not resolve;
     *         nothing has changed then
     */
    public synchronized List<String> reload(EdgeConfig next) {
        if (group == null || closed) {
            throw new IllegalStateException("the edge is not running");
        }
        Map<String, ProxyRoute> nextProxies = pools(next, proxies);
        VirtualHosts nextHosts;
        try {
            nextHosts = compile(next, nextProxies);
        } catch (RuntimeException e) {
            nextProxies.forEach((name, route) -> {
                if (!proxies.containsKey(name)) {
                    route.upstream().close();
                }
            });
            throw e;
        }
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, ProxyRoute> e : nextProxies.entrySet()) {
            Upstream upstream = e.getValue().upstream();
            UpstreamConfig wanted = next.upstream(e.getKey()).orElseThrow();
            if (!proxies.containsKey(e.getKey())) {
                upstream.start(healthChecks);
                done.add("upstream " + e.getKey() + " added");
                continue;
            }
            UpstreamConfig had = routing.upstream(e.getKey()).orElseThrow();
            for (UpstreamServerConfig server : had.servers()) {
                if (!wanted.servers().contains(server)) {
                    upstream.drain(server.address(), wanted.responseTimeout())
                            .whenComplete((ok, late) -> upstream.remove(server.address()));
                    done.add("upstream " + e.getKey() + ": server " + server.address() + " draining, then removed");
                }
            }
            for (UpstreamServerConfig server : wanted.servers()) {
                if (!had.servers().contains(server)) {
                    upstream.add(server);
                    done.add("upstream " + e.getKey() + ": server " + server.address() + " added");
                }
            }
            if (!wanted.withServers(List.of()).equals(had.withServers(List.of()))) {
                done.add("upstream " + e.getKey() + ": its other settings take effect at the next start");
            }
        }
        hosts.set(nextHosts);
        if (!(config.https().enabled() && config.https().redirectHttp())) {
            plainHosts.set(nextHosts);
        }
        for (Map.Entry<String, ProxyRoute> e : proxies.entrySet()) {
            if (!nextProxies.containsKey(e.getKey())) {
                e.getValue().upstream().close(); // its requests in flight finish; no new ones reach it
                done.add("upstream " + e.getKey() + " removed");
            }
        }
        proxies.clear();
        proxies.putAll(nextProxies);
        upstreams.clear();
        nextProxies.forEach((name, route) -> upstreams.put(name, route.upstream()));
        if (!next.sites().equals(routing.sites()) || !next.defaultHost().equals(routing.defaultHost())) {
            done.add("sites reloaded: " + next.sites().size() + " site(s)");
        }
        routing = next;
        EdgeConfig rest = next.withRouting(config.defaultHost(), config.sites(), config.upstreams());
        if (!rest.equals(config)) {
            done.add("listeners, TLS, limits, files, workers, the transport and the access log take effect at the"
                    + " next start");
        }
        errorLog.info("edge reloaded: " + (done.isEmpty() ? "nothing changed" : String.join("; ", done)));
        return done;
    }

    private List<String> hostNames() {
        List<String> names = new ArrayList<>();
        for (SiteConfig site : config.sites()) {
            names.addAll(site.hosts());
        }
        return names;
    }

    private static ProxyRoute pool(Map<String, ProxyRoute> proxies, String name) {
        ProxyRoute proxy = proxies.get(name);
        if (proxy == null) {
            throw new IllegalArgumentException("no upstream named " + name);
        }
        return proxy;
    }

    /** The upstream pool called {@code name}, for changing its servers while the edge runs; null if none. */
    public synchronized Upstream upstream(String name) {
        return upstreams.get(name);
    }

    public boolean isDraining() {
        return draining;
    }

    /** The bound plain-HTTP address (with the real port when 0 was configured); null when disabled. */
    public InetSocketAddress httpAddress() {
        return httpAddress;
    }

    public InetSocketAddress httpsAddress() {
        return httpsAddress;
    }

    /** The transport the event loops run on (what {@code auto} chose); null before {@link #start()}. */
    public Transport transport() {
        return transport;
    }

    /** What is listening, for the ready line: {@code http 127.0.0.1:8080, https 127.0.0.1:8443 (h2)}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (httpAddress != null) {
            parts.add("http " + hostPort(httpAddress));
        }
        if (httpsAddress != null) {
            parts.add("https " + hostPort(httpsAddress) + (config.https().http2() ? " (h2)" : ""));
        }
        return String.join(", ", parts);
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return; // a second close (try-with-resources after an explicit one) has nothing left to do
        }
        closed = true;
        draining = true;
        for (Channel l : listeners) {
            l.close().syncUninterruptibly();
        }
        if (connections != null) {
            for (Channel ch : connections) {
                ch.eventLoop().execute(() -> {
                    RequestHandler h = ch.pipeline().get(RequestHandler.class);
                    if (h != null) {
                        h.drain();
                    } else {
                        ch.close(); // HTTP/2 sends GOAWAY and lets open streams finish; a handshake in progress just ends
                    }
                });
            }
            long deadline = System.nanoTime() + config.limits().shutdownGrace().toNanos();
            while (!connections.isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (Upstream upstream : upstreams.values()) {
            upstream.close();
        }
        if (healthChecks != null) {
            healthChecks.shutdownNow();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (accessLog != null) {
            accessLog.close();
        }
        if (errorLog != null) {
            errorLog.info("edge stopped");
            errorLog.close();
        }
    }
}
