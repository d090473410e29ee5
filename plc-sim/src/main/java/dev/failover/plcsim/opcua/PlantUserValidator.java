package dev.failover.plcsim.opcua;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Purpose;
import dev.failover.certs.RoleExtension;
import dev.failover.certs.VerificationResult;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.identity.AbstractX509IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.DefaultX509UserIdentity;
import org.eclipse.milo.opcua.sdk.server.identity.Identity;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts X.509 user identity tokens whose certificate chains to the plant CA and is not revoked.
 * Milo's {@link AbstractX509IdentityValidator} has already checked proof of possession (the token
 * signature) when {@link #authenticateCertificate} runs; the chain, validity and revocation are ours.
 * The user's role (the plant's {@link RoleExtension}) is read again from the certificate when it
 * writes, see {@link #role}.
 */
final class PlantUserValidator extends AbstractX509IdentityValidator {

    private static final Logger log = LoggerFactory.getLogger(PlantUserValidator.class);

    private final CertificateVerifier verifier;

    PlantUserValidator(CertificateVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    protected Identity.@Nullable X509UserIdentity authenticateCertificate(
            Session session, X509Certificate certificate) {
        VerificationResult result = verifier.verify(List.of(certificate), Purpose.ANY);
        if (result instanceof VerificationResult.Rejected rejected) {
            log.warn(
                    "OPC UA user certificate {} refused: {}",
                    certificate.getSubjectX500Principal().getName(),
                    rejected);
            return null;
        }
        return new DefaultX509UserIdentity(certificate);
    }

    /** The role of the session's user: the role extension of its X.509 user certificate, if any. */
    static Optional<String> role(Session session) {
        if (session.getIdentity() instanceof Identity.X509UserIdentity user) {
            return RoleExtension.read(user.getCertificate());
        }
        return Optional.empty();
    }
}
