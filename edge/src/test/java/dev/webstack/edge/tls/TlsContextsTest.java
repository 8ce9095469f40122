package dev.webstack.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webstack.edge.config.TlsListenerConfig;
import dev.webstack.edge.tls.SelfSignedCertificate.Pem;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Boots a real Netty TLS server on port 0 whose only handler answers the negotiated ALPN protocol,
 * and talks to it with the JDK's TLS client and with {@code openssl s_client}.
 */
class TlsContextsTest {

    private static EventLoopGroup group;

    @TempDir
    Path dataDir;

    private Channel server;

    @BeforeAll
    static void startEventLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopEventLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void negotiatesHttp2WhenEnabled(String protocol) throws Exception {
        int port = start(TlsContexts.forServer(config(true), List.of("example.test"), dataDir));

        Answer answer = connect(port, protocol, selfSigned());

        assertThat(answer.clientView()).isEqualTo("h2");
        assertThat(answer.serverView()).isEqualTo("h2");
        assertThat(answer.tlsProtocol()).isEqualTo(protocol);
    }

    @Test
    void offersOnlyHttp11WhenHttp2IsDisabled() throws Exception {
        int port = start(TlsContexts.forServer(config(false), List.of("example.test"), dataDir));

        Answer answer = connect(port, "TLSv1.3", selfSigned());

        assertThat(answer.clientView()).isEqualTo("http/1.1");
        assertThat(answer.serverView()).isEqualTo("http/1.1");
    }

    @ParameterizedTest(name = "{0} accepted: {1}")
    @CsvSource({"-tls1_1, false", "-tls1_2, true", "-tls1_3, true"})
    void acceptsOnlyTls12And13(String opensslFlag, boolean accepted) throws Exception {
        assertThat(new File("/usr/bin/openssl").canExecute()).as("openssl is installed (.ci/run installs it)").isTrue();
        int port = start(TlsContexts.forServer(config(true), List.of("example.test"), dataDir));

        // SECLEVEL=0 lets OpenSSL 3 offer TLS 1.1 at all, so a refusal comes from the server.
        Process openssl = new ProcessBuilder(
                        "openssl", "s_client", "-connect", "127.0.0.1:" + port, opensslFlag,
                        "-cipher", "DEFAULT:@SECLEVEL=0", "-alpn", "h2,http/1.1")
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(10, TimeUnit.SECONDS)).isTrue();

        if (accepted) {
            assertThat(openssl.exitValue()).as(output).isZero();
            assertThat(output).contains("ALPN protocol: h2");
        } else {
            assertThat(openssl.exitValue()).as(output).isNotZero();
            assertThat(output).contains("alert protocol version");
        }
    }

    @Test
    void usesTheConfiguredCertificateAsGiven() throws Exception {
        Pem configured = SelfSignedCertificate.ensure(dataDir.resolve("configured"), List.of("configured.test"));
        TlsListenerConfig config = withPem(config(true), configured.certificate(), configured.key());
        int port = start(TlsContexts.forServer(config, List.of("example.test"), dataDir.resolve("tls")));

        X509Certificate expected = SelfSignedCertificateTest.read(configured.certificate());
        Answer answer = connect(port, "TLSv1.3", expected);

        assertThat(answer.peerCertificate()).isEqualTo(expected);
        assertThat(dataDir.resolve("tls")).as("no self-signed fallback generated").doesNotExist();
    }

    @Test
    void keyOfAnotherCertificateIsRejected() {
        Pem one = SelfSignedCertificate.ensure(dataDir.resolve("one"), List.of("one.test"));
        Pem two = SelfSignedCertificate.ensure(dataDir.resolve("two"), List.of("two.test"));
        TlsListenerConfig config = withPem(config(true), one.certificate(), two.key());

        assertThatThrownBy(() -> TlsContexts.forServer(config, List.of(), dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(two.key() + ": the private key does not match the certificate in " + one.certificate());
    }

    @Test
    void garbageCertificateIsRejectedWithItsFileName() throws Exception {
        Pem pem = SelfSignedCertificate.ensure(dataDir.resolve("pem"), List.of("example.test"));
        Files.writeString(
                pem.certificate(), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
        TlsListenerConfig config = withPem(config(true), pem.certificate(), pem.key());

        assertThatThrownBy(() -> TlsContexts.forServer(config, List.of(), dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(pem.certificate() + ": not a PEM certificate");
    }

    @Test
    void garbageKeyIsRejectedWithItsFileName() throws Exception {
        Pem pem = SelfSignedCertificate.ensure(dataDir.resolve("pem"), List.of("example.test"));
        Files.writeString(pem.key(), "not a key\n");
        TlsListenerConfig config = withPem(config(true), pem.certificate(), pem.key());

        assertThatThrownBy(() -> TlsContexts.forServer(config, List.of(), dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(pem.key() + ": no unencrypted private key found"
                        + " (expected: a PEM \"BEGIN PRIVATE KEY\" block)");
    }

    @Test
    void missingCertificateFileIsRejectedWithItsFileName() {
        Path missing = dataDir.resolve("missing.crt");
        TlsListenerConfig config = withPem(config(true), missing, dataDir.resolve("missing.key"));

        assertThatThrownBy(() -> TlsContexts.forServer(config, List.of(), dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(missing + ": cannot read the TLS certificate (no such file)");
    }

    private int start(SslContext sslContext) {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(sslContext.newHandler(channel.alloc()), new AlpnEcho());
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Connects offering h2 and http/1.1, trusting only {@code trusted} and checking the host name
     * the way browsers do (the IP SAN 127.0.0.1 must be present).
     */
    private static Answer connect(int port, String tlsProtocol, X509Certificate trusted) throws Exception {
        KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
        trustStore.load(null, null);
        trustStore.setCertificateEntry("server", trusted);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);

        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {tlsProtocol});
            parameters.setApplicationProtocols(
                    new String[] {ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1});
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return new Answer(
                    socket.getApplicationProtocol(),
                    reader.readLine(),
                    socket.getSession().getProtocol(),
                    (X509Certificate) socket.getSession().getPeerCertificates()[0]);
        }
    }

    private X509Certificate selfSigned() throws Exception {
        return SelfSignedCertificateTest.read(dataDir.resolve(SelfSignedCertificate.CERTIFICATE_FILE));
    }

    private static TlsListenerConfig config(boolean http2) {
        return new TlsListenerConfig(true, "127.0.0.1", 0, Optional.empty(), Optional.empty(), http2, false);
    }

    private static TlsListenerConfig withPem(TlsListenerConfig config, Path certificate, Path key) {
        return new TlsListenerConfig(
                config.enabled(), config.address(), config.port(), Optional.of(certificate), Optional.of(key),
                config.http2(), config.redirectHttp());
    }

    private record Answer(String clientView, String serverView, String tlsProtocol, X509Certificate peerCertificate) {}

    /** Writes the protocol the server side negotiated, then closes. */
    private static final class AlpnEcho extends ApplicationProtocolNegotiationHandler {

        AlpnEcho() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(protocol + "\n", StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
