package dev.failover.gateway.scada;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Purpose;
import dev.failover.certs.RoleExtension;
import dev.failover.certs.VerificationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
 * SCADA users: X.509 user identity tokens whose certificate chains to the plant CA, is valid now and
 * not revoked. Milo's base class has checked proof of possession (the token signature) when {@link
 * #authenticateCertificate} runs; it does not check the chain (LIBRARIES.md), which is done here. The
 * user's role is the plant role extension of its certificate.
 */
final class ScadaUsers extends AbstractX509IdentityValidator {

    private static final Logger log = LoggerFactory.getLogger(ScadaUsers.class);

    private final CertificateVerifier verifier;
    private final Path crlFile;
    private FileTime crlVersion;

    /**
     * @param crlFile the plant CRL file the verifier reads: a newer file is re-read before the next
     *     user is checked, so a revocation takes effect without a restart
     */
    ScadaUsers(CertificateVerifier verifier, Path crlFile) {
        this.verifier = verifier;
        this.crlFile = crlFile;
    }

    private synchronized void reloadCrlsIfNewer() {
        try {
            FileTime now = Files.getLastModifiedTime(crlFile);
            if (crlVersion != null && !now.equals(crlVersion)) {
                verifier.reloadCrls();
            }
            crlVersion = now;
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "could not re-read the CRL file {}; users are checked against the CRLs read before: {}",
                    crlFile,
                    e.toString());
        }
    }

    @Override
    protected Identity.@Nullable X509UserIdentity authenticateCertificate(
            Session session, X509Certificate certificate) {
        Optional<VerificationResult.Rejected> rejected = check(certificate);
        if (rejected.isPresent()) {
            // Reported as a SCADA_SESSION_REFUSED event with the client's address (RefusedSessions).
            log.debug(
                    "OPC UA session of {} refused: user certificate {} {}",
                    session.getClientDescription().getApplicationUri(),
                    certificate.getSubjectX500Principal().getName(),
                    rejected.get());
            return null;
        }
        return new DefaultX509UserIdentity(certificate);
    }

    /**
     * Why {@code certificate} is refused as a user (chain, validity, revocation under the plant PKI),
     * if it is; the CRL file is re-read first when it changed.
     */
    Optional<VerificationResult.Rejected> check(X509Certificate certificate) {
        reloadCrlsIfNewer();
        return verifier.verify(List.of(certificate), Purpose.ANY) instanceof VerificationResult.Rejected rejected
                ? Optional.of(rejected)
                : Optional.empty();
    }

    /** The user's certificate subject, or {@code anonymous}. */
    static String user(Optional<Session> session) {
        return session.map(Session::getIdentity)
                .filter(Identity.X509UserIdentity.class::isInstance)
                .map(i -> ((Identity.X509UserIdentity) i)
                        .getCertificate()
                        .getSubjectX500Principal()
                        .getName())
                .orElse("anonymous");
    }

    /** The user's role from its certificate; empty for anonymous users and certificates without one. */
    static String role(Optional<Session> session) {
        return session.map(Session::getIdentity)
                .filter(Identity.X509UserIdentity.class::isInstance)
                .flatMap(i -> RoleExtension.read(((Identity.X509UserIdentity) i).getCertificate()))
                .orElse("");
    }

    /** Where a request came from, for events: the session name and the client application. */
    static String origin(Optional<Session> session) {
        return session.map(s -> "opcua session " + s.getSessionName() + " of "
                        + s.getClientDescription().getApplicationUri())
                .orElse("opcua (no session)");
    }
}
