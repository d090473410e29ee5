package dev.failover.gateway.command;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Purpose;
import dev.failover.certs.VerificationResult;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Checks command signers against the plant PKI. Only the signer's certificate is taken from the
 * envelope: the path to the root is built from the PKI's own CA certificates, never from
 * certificates an envelope brings along.
 */
public final class PkiSignerChecker implements SignerChecker {

    private final CertificateVerifier verifier;

    public PkiSignerChecker(CertificateVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Optional<Decision.Rejected> check(X509Certificate signer) {
        return switch (verifier.verify(List.of(signer), Purpose.COMMAND_SIGNING)) {
            case VerificationResult.Valid valid -> Optional.empty();
            case VerificationResult.Rejected r ->
                Optional.of(new Decision.Rejected(
                        reason(r.reason()),
                        r.detail(),
                        signer.getSubjectX500Principal().getName(),
                        ""));
        };
    }

    private static RejectReason reason(VerificationResult.Reason reason) {
        return switch (reason) {
            case EXPIRED -> RejectReason.CERTIFICATE_EXPIRED;
            case NOT_YET_VALID -> RejectReason.CERTIFICATE_NOT_YET_VALID;
            case REVOKED -> RejectReason.REVOKED;
            case REVOCATION_UNKNOWN -> RejectReason.REVOCATION_UNKNOWN;
            case WRONG_USAGE -> RejectReason.WRONG_CERTIFICATE_USAGE;
            case MALFORMED -> RejectReason.MALFORMED;
            // A certificate that does not chain to the plant root, or whose issuer signature is forged.
            case UNKNOWN_CA, BAD_SIGNATURE, NAME_MISMATCH, OTHER -> RejectReason.UNKNOWN_CA;
        };
    }
}
