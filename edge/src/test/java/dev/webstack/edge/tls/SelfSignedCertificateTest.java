package dev.webstack.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.tls.SelfSignedCertificate.Pem;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    @TempDir
    Path tlsDir;

    @Test
    void generatesServerCertificateForEveryHostName() throws Exception {
        Pem pem = SelfSignedCertificate.ensure(tlsDir, List.of("example.test", "www.example.test"));

        assertThat(pem.certificate()).isEqualTo(tlsDir.resolve("selfsigned.crt"));
        assertThat(pem.key()).isEqualTo(tlsDir.resolve("selfsigned.key"));
        assertThat(Files.readString(pem.key())).startsWith("-----BEGIN PRIVATE KEY-----\n");
        X509Certificate certificate = read(pem.certificate());
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=example.test");
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(sans(certificate, SAN_DNS)).containsExactly("example.test", "www.example.test", "localhost");
        assertThat(sans(certificate, SAN_IP)).containsExactly("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        assertThat(certificate.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        Instant now = Instant.now();
        assertThat(certificate.getNotBefore().toInstant()).isBefore(now.minus(Duration.ofHours(23)));
        assertThat(certificate.getNotAfter().toInstant()).isAfter(now.plus(Duration.ofDays(364)));
    }

    @Test
    void keyFileIsReadableByTheOwnerOnly() throws Exception {
        Pem pem = SelfSignedCertificate.ensure(tlsDir, List.of("example.test"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem.key()))).isEqualTo("rw-------");
        try (var files = Files.list(tlsDir)) {
            assertThat(files).as("no temporary files left behind").hasSize(2);
        }
    }

    @Test
    void secondCallReusesTheSameFiles() throws Exception {
        Pem first = SelfSignedCertificate.ensure(tlsDir, List.of("example.test", "www.example.test"));
        byte[] certificate = Files.readAllBytes(first.certificate());
        byte[] key = Files.readAllBytes(first.key());

        Pem second = SelfSignedCertificate.ensure(tlsDir, List.of("WWW.example.test"));

        assertThat(second).isEqualTo(first);
        assertThat(Files.readAllBytes(second.certificate())).isEqualTo(certificate);
        assertThat(Files.readAllBytes(second.key())).isEqualTo(key);
    }

    @Test
    void newHostNameRegenerates() throws Exception {
        Pem first = SelfSignedCertificate.ensure(tlsDir, List.of("example.test"));
        byte[] certificate = Files.readAllBytes(first.certificate());
        byte[] key = Files.readAllBytes(first.key());

        Pem second = SelfSignedCertificate.ensure(tlsDir, List.of("example.test", "blog.example.test"));

        assertThat(Files.readAllBytes(second.certificate())).isNotEqualTo(certificate);
        assertThat(Files.readAllBytes(second.key())).isNotEqualTo(key);
        assertThat(sans(read(second.certificate()), SAN_DNS)).contains("blog.example.test");
    }

    @Test
    void brokenKeyRegenerates() throws Exception {
        Pem first = SelfSignedCertificate.ensure(tlsDir, List.of("example.test"));
        Files.writeString(first.key(), "garbage\n");

        Pem second = SelfSignedCertificate.ensure(tlsDir, List.of("example.test"));

        assertThat(Files.readString(second.key())).startsWith("-----BEGIN PRIVATE KEY-----");
        TlsContexts.checkKeyMatches(
                second, TlsContexts.readPrivateKey(second.key()), read(second.certificate()));
    }

    static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static List<String> sans(X509Certificate certificate, int type) throws Exception {
        return certificate.getSubjectAlternativeNames().stream()
                .filter(san -> (Integer) san.get(0) == type)
                .map(san -> (String) san.get(1))
                .toList();
    }
}
