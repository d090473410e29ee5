package dev.failover.gateway.scada;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * What an event says about a certificate it refused: subject, issuer and OPC UA thumbprint.
 *
 * @param subject the subject's distinguished name
 * @param issuer the issuer's distinguished name
 * @param thumbprint the SHA-1 of the DER certificate, lower-case hex
 */
record CertificateFacts(String subject, String issuer, String thumbprint) {

    static CertificateFacts of(X509Certificate certificate) {
        return new CertificateFacts(
                certificate.getSubjectX500Principal().getName(),
                certificate.getIssuerX500Principal().getName(),
                thumbprint(certificate));
    }

    /** The OPC UA thumbprint (Part 4, §7.35): the SHA-1 of the DER certificate, lower-case hex. */
    static String thumbprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }
}
