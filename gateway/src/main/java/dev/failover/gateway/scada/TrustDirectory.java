package dev.failover.gateway.scada;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.FileBasedCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust-list folders of the gateway's OPC UA server (OPC UA Part 12 layout, as Milo reads it):
 *
 * <pre>
 * trusted/certs   trusted certificates: the plant root CA (written at every start), and any client
 *                 application certificate an engineer chose to trust
 * trusted/crl     their CRLs (the plant CRLs, rewritten at every start)
 * issuer/certs    CAs that may issue client certificates but are not trusted by themselves (the
 *                 plant's issuing CA)
 * issuer/crl      their CRLs
 * rejected        client certificates refused, one {@code <sha1 thumbprint>.der} each
 * </pre>
 *
 * Milo watches the folders: a certificate moved from {@code rejected/} to {@code trusted/certs/} is
 * trusted at the client's next connection, without a restart.
 */
final class TrustDirectory {

    private static final Logger log = LoggerFactory.getLogger(TrustDirectory.class);

    private TrustDirectory() {}

    /** Lays out the folders under {@code root} and writes the plant CAs and CRLs into them. */
    static FileBasedTrustListManager open(
            Path root, X509Certificate plantRoot, List<X509Certificate> issuers, List<X509CRL> crls)
            throws IOException {
        Path trusted = root.resolve("trusted");
        Path issuer = root.resolve("issuer");
        for (Path dir : List.of(
                trusted.resolve("certs"),
                trusted.resolve("crl"),
                issuer.resolve("certs"),
                issuer.resolve("crl"),
                root.resolve("rejected"))) {
            Files.createDirectories(dir);
        }
        FileBasedTrustListManager trust = new FileBasedTrustListManager(
                trusted.resolve("certs"), trusted.resolve("crl"), issuer.resolve("certs"), issuer.resolve("crl"));
        trust.initialize();
        if (!trust.getTrustedCertificates().contains(plantRoot)) {
            trust.addTrustedCertificate(plantRoot);
        }
        for (X509Certificate ca : issuers) {
            if (!trust.getIssuerCertificates().contains(ca)) {
                trust.addIssuerCertificate(ca);
            }
        }
        // Milo checks revocation against the CRLs of the list the CA is in: the plant's CRLs go in both.
        trust.setTrustedCrls(crls);
        trust.setIssuerCrls(crls);
        return trust;
    }

    /** The folder of refused client certificates under {@code root}. */
    static Path rejected(Path root) {
        return root.resolve("rejected");
    }

    /** The quarantine of {@code root}: each refused certificate is saved and logged with how to trust it. */
    static CertificateQuarantine quarantine(Path root) throws IOException {
        Path rejected = rejected(root);
        Files.createDirectories(rejected);
        FileBasedCertificateQuarantine files = FileBasedCertificateQuarantine.create(rejected);
        Path trustedCerts = root.resolve("trusted").resolve("certs");
        Path issuerCerts = root.resolve("issuer").resolve("certs");
        return new CertificateQuarantine() {
            @Override
            public List<X509Certificate> getRejectedCertificates() {
                return files.getRejectedCertificates();
            }

            @Override
            public void addRejectedCertificate(X509Certificate certificate) {
                files.addRejectedCertificate(certificate);
                Path file = rejected.resolve(thumbprint(certificate) + ".der");
                if (certificate.getBasicConstraints() >= 0) {
                    log.warn(
                            "OPC UA: CA {} of a refused client's chain quarantined as {}. To trust every client it"
                                    + " issues, move it to {}/ (a root) or {}/ (an intermediate), with its CRL.",
                            certificate.getSubjectX500Principal().getName(),
                            file.toAbsolutePath(),
                            trustedCerts.toAbsolutePath(),
                            issuerCerts.toAbsolutePath());
                    return;
                }
                log.warn(
                        "OPC UA client application certificate refused and quarantined: {} (issuer {}). If this"
                                + " client is yours, trust it with: mv {} {}/",
                        certificate.getSubjectX500Principal().getName(),
                        certificate.getIssuerX500Principal().getName(),
                        file.toAbsolutePath(),
                        trustedCerts.toAbsolutePath());
            }

            @Override
            public void removeRejectedCertificate(X509Certificate certificate) {
                files.removeRejectedCertificate(certificate);
            }
        };
    }

    /**
     * The name (without {@code .der}) Milo 1.1.2's file quarantine gives a certificate: the SHA-1 of its
     * signature, in lower-case hex.
     */
    static String thumbprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getSignature()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot compute the thumbprint of a certificate", e);
        }
    }
}
