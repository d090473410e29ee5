package dev.failover.certs;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link CertificateVerifier#verify}: a valid path, or a rejection with a reason code.
 * A rejection is an expected outcome, not an exception.
 */
public sealed interface VerificationResult permits VerificationResult.Valid, VerificationResult.Rejected {

    /** Why a certificate was rejected. */
    enum Reason {
        /** The chain does not lead to the configured trust anchor (a foreign CA, a missing intermediate). */
        UNKNOWN_CA,
        /** A certificate in the path had expired at the validation time. */
        EXPIRED,
        /** A certificate in the path was not yet valid at the validation time. */
        NOT_YET_VALID,
        /** A certificate in the path is on its issuer's CRL. */
        REVOKED,
        /** A signature in the path does not verify (tampered certificate, or a look-alike CA). */
        BAD_SIGNATURE,
        /** No current CRL covers a certificate of the path (missing, unreadable or outdated CRL file). */
        REVOCATION_UNKNOWN,
        /** The certificate is valid but not for this purpose (key usage, extended key usage, or a CA). */
        WRONG_USAGE,
        /** A TLS server's certificate does not name the host connected to (when that check is on). */
        NAME_MISMATCH,
        /** No certificate was presented, or the chain cannot be used at all. */
        MALFORMED,
        /** Any other PKIX failure; the detail says which. */
        OTHER
    }

    /** Whether the certificate was accepted. */
    boolean isValid();

    /**
     * An accepted certificate.
     *
     * @param path the validated path, end-entity certificate first, without the trust anchor
     * @param trustAnchor the root it chains to
     */
    record Valid(List<X509Certificate> path, X509Certificate trustAnchor) implements VerificationResult {
        public Valid {
            path = List.copyOf(path);
            Objects.requireNonNull(trustAnchor, "trustAnchor");
        }

        /** The end-entity certificate. */
        public X509Certificate leaf() {
            return path.get(0);
        }

        /** The role in the end-entity certificate's {@link RoleExtension}, if any. */
        public Optional<String> role() {
            return RoleExtension.read(leaf());
        }

        @Override
        public boolean isValid() {
            return true;
        }
    }

    /**
     * A rejected certificate.
     *
     * @param reason the reason code
     * @param detail a sentence naming the certificate and the problem, for logs and audit events
     * @param cause the validator's exception, when there was one
     */
    record Rejected(Reason reason, String detail, Optional<Exception> cause) implements VerificationResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public boolean isValid() {
            return false;
        }

        @Override
        public String toString() {
            return reason + ": " + detail;
        }
    }
}
