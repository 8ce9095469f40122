package dev.webstack.edge;

import dev.webstack.edge.config.EdgeConfig;
import dev.webstack.edge.config.FilesConfig;
import dev.webstack.edge.config.IoTransport;
import dev.webstack.edge.config.LimitsConfig;
import dev.webstack.edge.config.ListenerConfig;
import dev.webstack.edge.config.SiteConfig;
import dev.webstack.edge.config.TlsListenerConfig;
import dev.webstack.edge.config.UpstreamConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real edge server for a test: both listeners on 127.0.0.1 port 0, one event loop, logs and a
 * self-signed certificate in a temporary data folder. Build it, {@link #start()}, talk to
 * {@link #httpUri}/{@link #httpsUri}, close it.
 */
public final class TestEdge implements AutoCloseable {
    private final Path dataDir;
    private final List<SiteConfig> sites = new ArrayList<>();
    private final List<UpstreamConfig> upstreams = new ArrayList<>();
    private LimitsConfig limits = LimitsConfig.DEFAULT;
    private FilesConfig files = FilesConfig.DEFAULT;
    private Optional<String> defaultHost = Optional.empty();
    private boolean redirectHttp;
    private boolean http2 = true;
    private String httpAddress = "127.0.0.1";
    private IoTransport transport = IoTransport.AUTO;
    private EdgeServer server;

    public TestEdge(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** A file site for {@code hosts} served from {@code root}. */
    public TestEdge site(Path root, String... hosts) {
        sites.add(SiteConfig.files(List.of(hosts), root));
        return this;
    }

    public TestEdge site(SiteConfig site) {
        sites.add(site);
        return this;
    }

    /** An upstream pool, for sites to proxy to. */
    public TestEdge upstream(UpstreamConfig upstream) {
        upstreams.add(upstream);
        return this;
    }

    /** A site for {@code hosts} that proxies every request to the pool {@code upstream}. */
    public TestEdge proxy(String upstream, String... hosts) {
        sites.add(SiteConfig.proxy(List.of(hosts), upstream));
        return this;
    }

    public TestEdge redirect(String target, String... hosts) {
        sites.add(SiteConfig.redirect(List.of(hosts), target));
        return this;
    }

    public TestEdge limits(LimitsConfig limits) {
        this.limits = limits;
        return this;
    }

    public TestEdge files(FilesConfig files) {
        this.files = files;
        return this;
    }

    public TestEdge defaultHost(String host) {
        this.defaultHost = Optional.of(host);
        return this;
    }

    public TestEdge redirectHttpToHttps() {
        this.redirectHttp = true;
        return this;
    }

    public TestEdge transport(IoTransport kind) {
        this.transport = kind;
        return this;
    }

    /** The plain HTTP listener's address (127.0.0.1 unless set): "::1" for a client over IPv6. */
    public TestEdge httpAddress(String address) {
        this.httpAddress = address;
        return this;
    }

    public TestEdge http2(boolean on) {
        this.http2 = on;
        return this;
    }

    public EdgeConfig config() {
        return new EdgeConfig(
                new ListenerConfig(true, httpAddress, 0),
                new TlsListenerConfig(true, "127.0.0.1", 0, Optional.empty(), Optional.empty(), http2, redirectHttp),
                1,
                transport,
                limits,
                files,
                true,
                defaultHost,
                sites,
                upstreams);
    }

    public TestEdge start() throws IOException, InterruptedException {
        server = new EdgeServer(config(), dataDir);
        server.start();
        return this;
    }

    public EdgeServer server() {
        return server;
    }

    public int httpPort() {
        return server.httpAddress().getPort();
    }

    public int httpsPort() {
        return server.httpsAddress().getPort();
    }

    public URI httpUri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort() + path);
    }

    public URI httpsUri(String path) {
        return URI.create("https://127.0.0.1:" + httpsPort() + path);
    }

    public Path accessLog() {
        return dataDir.resolve("logs/access.log");
    }

    /** The access log's lines once it has {@code count} of them, or what it has after 10 s (lines go out in batches). */
    public List<String> accessLogLines(int count) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(accessLog())) {
                lines = Files.readAllLines(accessLog(), StandardCharsets.UTF_8);
                if (lines.size() >= count) {
                    break;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return lines;
    }

    public Path certificate() {
        try (var files = Files.list(dataDir.resolve("tls"))) {
            return files.filter(p -> p.toString().endsWith(".crt") || p.toString().endsWith("cert.pem"))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client TLS context that trusts only this edge's certificate. */
    public SSLContext trustingSslContext() {
        try (InputStream in = Files.newInputStream(certificate())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("edge", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the edge's certificate", e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
