package dev.failover.gateway.scada;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.VerificationResult;
import dev.failover.gateway.events.RefusalReporter;
import dev.failover.gateway.events.SecurityDetail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.jspecify.annotations.Nullable;

/**
 * The OPC UA server's validator of client application certificates, with every refusal reported as
 * a {@code SCADA_CLIENT_REJECTED} event: subject, issuer, thumbprint, application URI, the reason
 * and, for a certificate Milo quarantined, the file to move to trust it. Milo's validator decides;
 * this class only watches.
 *
 * <p>Milo hides why a certificate was untrusted or revoked behind {@code Bad_SecurityChecksFailed}
 * (a server tells the client as little as it can); the reason in the event is therefore
 * the plant verifier's verdict on the same chain, or {@code UNTRUSTED} when the plant PKI would
 * accept it (a certificate removed from the trust list). Thread-safe.
 */
final class RefusedClients implements CertificateValidator {

    private final CertificateValidator validator;
    private final CertificateVerifier plant;
    private final Path rejected;
    private final RefusalReporter refusals;

    /**
     * @param validator Milo's validator, which decides
     * @param plant the plant PKI's verifier, to tell why a certificate was not trusted
     * @param rejected the quarantine folder ({@link TrustDirectory})
     */
    RefusedClients(CertificateValidator validator, CertificateVerifier plant, Path rejected, RefusalReporter refusals) {
        this.validator = validator;
        this.plant = plant;
        this.rejected = rejected;
        this.refusals = refusals;
    }

    @Override
    public void validateCertificateChain(
            List<X509Certificate> certificateChain, @Nullable String applicationUri, String @Nullable [] validHostnames)
            throws UaException {
        try {
            validator.validateCertificateChain(certificateChain, applicationUri, validHostnames);
        } catch (UaException e) {
            if (!certificateChain.isEmpty()) {
                report(certificateChain, applicationUri, e);
            }
            throw e;
        }
    }

    private void report(List<X509Certificate> chain, @Nullable String applicationUri, UaException e) {
        X509Certificate leaf = chain.getFirst();
        CertificateFacts facts = CertificateFacts.of(leaf);
        String uri = applicationUri != null
                ? applicationUri
                : CertificateUtil.getSanUri(leaf).orElse("");
        String reason;
        String detail;
        long code = e.getStatusCode().value();
        if (code == StatusCodes.Bad_CertificateUriInvalid) {
            reason = "URI_MISMATCH";
            detail = "its SAN URI is not the application URI " + uri;
        } else if (code == StatusCodes.Bad_CertificateUseNotAllowed
                || code == StatusCodes.Bad_CertificateIssuerUseNotAllowed) {
            reason = "WRONG_USAGE";
            detail = "its key usage does not allow an OPC UA application (" + UaStatus.describe(e) + ")";
        } else if (plant.verify(chain) instanceof VerificationResult.Rejected r) {
            reason = r.reason().name();
            detail = r.detail();
        } else {
            reason = "UNTRUSTED";
            detail = "it is not in the trust list (" + UaStatus.describe(e) + ")";
        }
        Path quarantined = rejected.resolve(TrustDirectory.thumbprint(leaf) + ".der");
        boolean inQuarantine = Files.exists(quarantined);
        refusals.refused(
                new SecurityDetail.ScadaClientRejected(
                        reason,
                        facts.subject(),
                        facts.issuer(),
                        facts.thumbprint(),
                        uri.isEmpty() ? null : uri,
                        UaStatus.name(e.getStatusCode().value()),
                        inQuarantine ? quarantined.toString() : null),
                "OPC UA client application " + leaf.getSubjectX500Principal().getName()
                        + (uri.isEmpty() ? "" : " (" + uri + ")") + " refused: " + detail
                        + (inQuarantine ? "; quarantined as " + quarantined : ""));
    }
}
