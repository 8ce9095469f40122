package dev.webstack.edge.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * The certificate the HTTPS listener falls back to when none is configured: an EC P-256
 * self-signed server certificate for the sites' host names, kept in the data folder's {@code tls/}
 * and reused across starts while it still covers those names.
 */
public final class SelfSignedCertificate {

    /** The PEM certificate file inside the TLS folder. */
    public static final String CERTIFICATE_FILE = "selfsigned.crt";

    /** The PEM private key file (PKCS#8) inside the TLS folder. */
    public static final String KEY_FILE = "selfsigned.key";

    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final Duration RENEW_BEFORE = Duration.ofDays(7);
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private SelfSignedCertificate() {}

    /**
     * Returns a certificate and key in {@code tlsDir} that cover every name in {@code hostNames}:
     * the existing pair when it still does and is valid for more than seven days, else a new pair.
     */
    public static Pem ensure(Path tlsDir, List<String> hostNames) {
        Pem pem = new Pem(tlsDir.resolve(CERTIFICATE_FILE), tlsDir.resolve(KEY_FILE));
        Set<String> names = names(hostNames);
        if (isReusable(pem, names)) {
            return pem;
        }
        try {
            Files.createDirectories(tlsDir);
            KeyPair keyPair = newKeyPair();
            X509Certificate certificate = newCertificate(keyPair, names);
            // Key first: a crash between the two moves leaves a pair that fails isReusable's key
            // check and is regenerated, never a certificate served with someone else's key.
            writeAtomically(pem.key(), pem("PRIVATE KEY", keyPair.getPrivate().getEncoded()));
            writeAtomically(pem.certificate(), pem("CERTIFICATE", certificate.getEncoded()));
            return pem;
        } catch (IOException e) {
            throw new UncheckedIOException(tlsDir + ": cannot write the self-signed certificate", e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** Lower-cased host names plus {@code localhost}, in order, the first one becoming the CN. */
    private static Set<String> names(List<String> hostNames) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : hostNames) {
            names.add(name.toLowerCase(Locale.ROOT));
        }
        names.add("localhost");
        return names;
    }

    private static boolean isReusable(Pem pem, Set<String> names) {
        if (!Files.isRegularFile(pem.certificate()) || !Files.isRegularFile(pem.key())) {
            return false;
        }
        try {
            X509Certificate certificate = TlsContexts.readCertificates(pem.certificate())[0];
            TlsContexts.checkKeyMatches(pem, TlsContexts.readPrivateKey(pem.key()), certificate);
            Instant renewAt = Instant.now().plus(RENEW_BEFORE);
            return certificate.getNotAfter().toInstant().isAfter(renewAt) && covers(certificate, names);
        } catch (IllegalStateException | CertificateParsingException e) {
            return false;
        }
    }

    private static boolean covers(X509Certificate certificate, Set<String> names)
            throws CertificateParsingException {
        Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
        if (sans == null) {
            return false;
        }
        Set<String> dnsNames = new LinkedHashSet<>();
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            String value = (String) san.get(1);
            if (type == SAN_DNS) {
                dnsNames.add(value.toLowerCase(Locale.ROOT));
            } else if (type == SAN_IP) {
                addresses.add(address(value));
            }
        }
        for (String name : names) {
            boolean covered = IPAddress.isValid(name) ? addresses.contains(address(name)) : dnsNames.contains(name);
            if (!covered) {
                return false;
            }
        }
        return true;
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate newCertificate(KeyPair keyPair, Set<String> names)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, names.iterator().next())
                .build();
        Instant now = Instant.now();
        // A positive serial of up to 159 bits: unique enough that browsers never see two
        // certificates from the same issuer with the same serial (RFC 5280 section 4.1.2.2).
        BigInteger serial = new BigInteger(159, new SecureRandom());
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject,
                serial,
                Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(VALIDITY)),
                subject,
                keyPair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(
                Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames(names));
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static GeneralNames subjectAlternativeNames(Set<String> names) {
        List<GeneralName> sans = new ArrayList<>();
        for (String name : names) {
            if (!IPAddress.isValid(name)) {
                sans.add(new GeneralName(GeneralName.dNSName, name));
            }
        }
        Set<String> addresses = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
        names.stream().filter(IPAddress::isValid).forEach(addresses::add);
        for (String address : addresses) {
            sans.add(new GeneralName(GeneralName.iPAddress, address));
        }
        return new GeneralNames(sans.toArray(GeneralName[]::new));
    }

    private static InetAddress address(String literal) {
        try {
            // A literal address never triggers a DNS lookup; this only normalises "::1" and
            // "0:0:0:0:0:0:0:1" to the same value.
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }

    private static byte[] pem(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        String text = "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes through a temporary file created owner-only, so the key is never readable by others,
     * not even for the moment between creating and restricting it.
     */
    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp", OWNER_ONLY);
        try {
            Files.write(temp, content);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The two files of a certificate: a PEM certificate (chain) and its PEM private key.
     *
     * @param certificate the PEM certificate file
     * @param key the PEM private key file
     */
    public record Pem(Path certificate, Path key) {}
}
