package dev.failover.certs;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** How the plant names a certificate by its contents. Stateless. */
public final class Thumbprints {

    private Thumbprints() {}

    /** The SHA-256 of the DER certificate, lower-case hex (64 characters). */
    public static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot take the SHA-256 of "
                            + certificate.getSubjectX500Principal().getName(),
                    e);
        }
    }
}
