package dev.failover.gateway.scada;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** What an event says about a certificate it refused: subject, issuer, thumbprint. Stateless. */
final class CertificateFacts {

    private CertificateFacts() {}

    /**
     * The subject, issuer and thumbprint of {@code certificate} as event fields: {@code subject},
     * {@code issuer}, {@code thumbprint} with an empty {@code prefix}, else {@code <prefix>}, {@code
     * <prefix>Issuer}, {@code <prefix>Thumbprint}.
     */
    static Map<String, Object> of(String prefix, X509Certificate certificate) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(
                prefix.isEmpty() ? "subject" : prefix,
                certificate.getSubjectX500Principal().getName());
        fields.put(
                prefix.isEmpty() ? "issuer" : prefix + "Issuer",
                certificate.getIssuerX500Principal().getName());
        fields.put(prefix.isEmpty() ? "thumbprint" : prefix + "Thumbprint", thumbprint(certificate));
        return fields;
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
