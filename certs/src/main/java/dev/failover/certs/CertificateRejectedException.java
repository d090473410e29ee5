package dev.failover.certs;

import java.security.cert.CertificateException;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown by {@link PkiTrustManager} when a TLS peer's certificate is rejected; it carries the
 * verifier's reason. The validator's exception is kept as the cause, which lets the JDK send the
 * precise TLS alert (certificate_revoked, certificate_expired, bad_certificate...).
 */
public final class CertificateRejectedException extends CertificateException {

    private final transient VerificationResult.Rejected rejection;

    public CertificateRejectedException(VerificationResult.Rejected rejection) {
        super(rejection.reason() + ": " + rejection.detail(), rejection.cause().orElse(null));
        this.rejection = Objects.requireNonNull(rejection);
    }

    /** The verifier's rejection. */
    public VerificationResult.Rejected rejection() {
        return rejection;
    }

    /** The reason code. */
    public VerificationResult.Reason reason() {
        return rejection.reason();
    }

    /**
     * The rejection behind {@code failure}, found along its cause chain: what a TLS server logs when a
     * handshake failed because of the peer's certificate.
     */
    public static Optional<VerificationResult.Rejected> find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateRejectedException rejected) {
                return Optional.of(rejected.rejection());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
