package dev.failover.certs;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate just issued, with where its files were written.
 *
 * @param record its entry in the PKI index
 * @param certificate the end-entity certificate
 * @param chain the certificate, the issuing CA and the root, in that order (as stored in the key store)
 * @param keyStore the PKCS#12 file holding its private key and chain (secret: give it only to its owner)
 * @param certificateFile the PEM file holding the certificate alone (public)
 */
public record IssuedCertificate(
        CertificateRecord record,
        X509Certificate certificate,
        List<X509Certificate> chain,
        Path keyStore,
        Path certificateFile) {

    public IssuedCertificate {
        chain = List.copyOf(chain);
    }

    /** The serial number. */
    public BigInteger serial() {
        return record.serial();
    }

    /** The subject's common name, also the key store's alias. */
    public String name() {
        return record.name();
    }
}
