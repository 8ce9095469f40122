package dev.webstack.edge.tls;

import dev.webstack.edge.config.TlsListenerConfig;
import dev.webstack.edge.tls.SelfSignedCertificate.Pem;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Builds the HTTPS listener's Netty {@link SslContext}, the first step of the request path: the
 * configured PEM certificate and key (or a self-signed pair), TLS 1.3 and 1.2 only, and ALPN
 * offering {@code h2} before {@code http/1.1} when HTTP/2 is enabled.
 */
public final class TlsContexts {

    /** TLS 1.0 and 1.1 are deprecated by RFC 8996; browsers no longer offer them. */
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {}

    /**
     * Returns the server context for {@code config}, using the self-signed certificate in
     * {@code tlsDir} for {@code hostNames} when no certificate is configured.
     *
     * @throws IllegalStateException when a PEM file is unreadable or the key does not match the
     *     certificate; the message names the file
     */
    public static SslContext forServer(TlsListenerConfig config, List<String> hostNames, Path tlsDir) {
        Pem pem = configuredPem(config).orElseGet(() -> SelfSignedCertificate.ensure(tlsDir, hostNames));
        X509Certificate[] chain = readCertificates(pem.certificate());
        PrivateKey key = readPrivateKey(pem.key());
        checkKeyMatches(pem, key, chain[0]);
        try {
            // netty-tcnative is not on the classpath, so the JDK engine does TLS and ALPN (Java 9+).
            return SslContextBuilder.forServer(key, chain)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .applicationProtocolConfig(alpn(config.http2()))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(
                    pem.certificate() + ": cannot build the TLS context (" + e.getMessage() + ")", e);
        }
    }

    private static Optional<Pem> configuredPem(TlsListenerConfig config) {
        if (config.certificate().isEmpty() && config.key().isEmpty()) {
            return Optional.empty();
        }
        Path certificate = config.certificate().orElseThrow(() -> new IllegalStateException(
                config.key().get() + ": a TLS key is configured without a certificate (expected: both or neither)"));
        Path key = config.key().orElseThrow(() -> new IllegalStateException(
                certificate + ": a TLS certificate is configured without a key (expected: both or neither)"));
        return Optional.of(new Pem(certificate, key));
    }

    private static ApplicationProtocolConfig alpn(boolean http2) {
        // NO_ADVERTISE and ACCEPT: a client that offers neither protocol, or no ALPN at all, still
        // gets HTTP/1.1 rather than a failed handshake.
        List<String> protocols = http2
                ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
        return new ApplicationProtocolConfig(
                Protocol.ALPN,
                SelectorFailureBehavior.NO_ADVERTISE,
                SelectedListenerFailureBehavior.ACCEPT,
                protocols);
    }

    /** Reads a PEM certificate chain, leaf first. */
    static X509Certificate[] readCertificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            X509Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toArray(X509Certificate[]::new);
            if (chain.length == 0) {
                throw new IllegalStateException(
                        file + ": no certificate found (expected: a PEM \"BEGIN CERTIFICATE\" block)");
            }
            return chain;
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot read the TLS certificate (" + reason(e) + ")", e);
        } catch (CertificateException e) {
            throw new IllegalStateException(file + ": not a PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    /** Reads an unencrypted PEM private key: PKCS#8, or the older PKCS#1 RSA and SEC1 EC forms. */
    static PrivateKey readPrivateKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot read the TLS private key (" + reason(e) + ")", e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(file + ": not a PEM private key (" + e.getMessage() + ")", e);
        }
        throw new IllegalStateException(
                file + ": no unencrypted private key found (expected: a PEM \"BEGIN PRIVATE KEY\" block)");
    }

    /**
     * Fails unless {@code key} belongs to {@code certificate}: the JDK engine would otherwise
     * accept the pair and only fail every handshake later.
     */
    static void checkKeyMatches(Pem pem, PrivateKey key, X509Certificate certificate) {
        Optional<String> signatureAlgorithm = signatureAlgorithm(key.getAlgorithm());
        if (signatureAlgorithm.isEmpty()) {
            return;
        }
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            String algorithm = signatureAlgorithm.get();
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // A key of another type than the certificate's lands here.
        }
        throw new IllegalStateException(
                pem.key() + ": the private key does not match the certificate in " + pem.certificate());
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage();
    }

    /** The algorithm for the match check; empty for key types that need parameters (RSASSA-PSS). */
    private static Optional<String> signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC" -> Optional.of("SHA256withECDSA");
            case "RSA" -> Optional.of("SHA256withRSA");
            case "EdDSA", "Ed25519", "Ed448" -> Optional.of(keyAlgorithm);
            default -> Optional.empty();
        };
    }
}
