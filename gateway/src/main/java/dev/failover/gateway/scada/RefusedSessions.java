package dev.failover.gateway.scada;

import dev.failover.certs.VerificationResult;
import dev.failover.gateway.events.RefusalReporter;
import dev.failover.gateway.events.SecurityDetail;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.servicesets.SessionServiceSet;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.structured.ActivateSessionRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.ActivateSessionResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.AnonymousIdentityToken;
import org.eclipse.milo.opcua.stack.core.types.structured.CancelRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CancelResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.CloseSessionRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CloseSessionResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.CreateSessionRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CreateSessionResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.X509IdentityToken;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.transport.server.ServiceRequestContext;
import org.jspecify.annotations.Nullable;

/**
 * The OPC UA server's session services with every security refusal reported as a {@code
 * SCADA_SESSION_REFUSED} event: the user's certificate refused (with the plant verifier's reason),
 * an anonymous session where anonymous is off, a user token of another type or with a bad
 * signature, too many sessions. Installed in place of Milo's own session service set, which does
 * the work; this class only watches its refusals.
 *
 * <p>A refusal at CreateSession because of the client application's certificate is left to {@link
 * RefusedClients}, which reported it when the certificate was validated. Failures that are not
 * security refusals (an unknown session id after a gateway restart, which clients answer by creating
 * a new session) are not reported. Thread-safe (stateless besides its collaborators).
 */
final class RefusedSessions implements SessionServiceSet {

    private final SessionServiceSet sessions;
    private final OpcUaServer server;
    private final ScadaUsers users;
    private final boolean anonymous;
    private final RefusalReporter refusals;

    /**
     * @param sessions Milo's session services, which do the work
     * @param anonymous whether read-only anonymous sessions are allowed (for the events' wording)
     */
    RefusedSessions(
            SessionServiceSet sessions,
            OpcUaServer server,
            ScadaUsers users,
            boolean anonymous,
            RefusalReporter refusals) {
        this.sessions = sessions;
        this.server = server;
        this.users = users;
        this.anonymous = anonymous;
        this.refusals = refusals;
    }

    @Override
    public CreateSessionResponse onCreateSession(ServiceRequestContext context, CreateSessionRequest request)
            throws UaException {
        try {
            return sessions.onCreateSession(context, request);
        } catch (UaException e) {
            long code = e.getStatusCode().value();
            boolean certificate = code == StatusCodes.Bad_SecurityChecksFailed
                    || UaStatus.name(code).startsWith("Bad_Certificate");
            if (code == StatusCodes.Bad_TooManySessions) {
                report(context, "TOO_MANY_SESSIONS", "the server has its maximum of sessions", e, null, null);
            } else if (e.getStatusCode().isSecurityError() && !certificate) {
                report(context, "SECURITY_CHECKS_FAILED", describe(e), e, null, null);
            }
            throw e;
        }
    }

    @Override
    public ActivateSessionResponse onActivateSession(ServiceRequestContext context, ActivateSessionRequest request)
            throws UaException {
        try {
            return sessions.onActivateSession(context, request);
        } catch (UaException e) {
            if (e.getStatusCode().isSecurityError()) {
                refusedActivation(context, request.getUserIdentityToken(), e);
            }
            throw e;
        }
    }

    @Override
    public CloseSessionResponse onCloseSession(ServiceRequestContext context, CloseSessionRequest request)
            throws UaException {
        return sessions.onCloseSession(context, request);
    }

    @Override
    public CancelResponse onCancel(ServiceRequestContext context, CancelRequest request) throws UaException {
        return sessions.onCancel(context, request);
    }

    private void refusedActivation(ServiceRequestContext context, ExtensionObject encoded, UaException e) {
        Object token = decode(encoded);
        long code = e.getStatusCode().value();
        if (token instanceof X509IdentityToken x509) {
            Optional<X509Certificate> user = userCertificate(x509);
            CertificateFacts facts = user.map(CertificateFacts::of).orElse(null);
            Optional<VerificationResult.Rejected> rejected =
                    code == StatusCodes.Bad_IdentityTokenRejected ? user.flatMap(users::check) : Optional.empty();
            if (rejected.isPresent()) {
                report(
                        context,
                        rejected.get().reason().name(),
                        "user certificate refused: " + rejected.get().detail(),
                        e,
                        "Certificate",
                        facts);
            } else if (code == StatusCodes.Bad_IdentityTokenInvalid) {
                report(context, "USER_TOKEN_INVALID", "user token refused: " + describe(e), e, "Certificate", facts);
            } else {
                report(context, "USER_REJECTED", "user refused: " + describe(e), e, "Certificate", facts);
            }
        } else if (token == null || token instanceof AnonymousIdentityToken) {
            report(
                    context,
                    "ANONYMOUS_NOT_ALLOWED",
                    "an anonymous session was refused (only X.509 users"
                            + (anonymous ? " and read-only anonymous sessions" : "")
                            + " are accepted): " + describe(e),
                    e,
                    "Anonymous",
                    null);
        } else if (code == StatusCodes.Bad_IdentityTokenInvalid || code == StatusCodes.Bad_IdentityTokenRejected) {
            String type = token.getClass().getSimpleName().replace("IdentityToken", "");
            report(
                    context,
                    "TOKEN_TYPE_NOT_ALLOWED",
                    "a " + type + " token was refused: only X.509 user certificates are accepted",
                    e,
                    type,
                    null);
        } else if (code == StatusCodes.Bad_ApplicationSignatureInvalid) {
            report(
                    context,
                    "APPLICATION_SIGNATURE_INVALID",
                    "the client's signature over the server nonce does not verify",
                    e,
                    null,
                    null);
        } else {
            report(context, "SECURITY_CHECKS_FAILED", describe(e), e, null, null);
        }
    }

    /** The token as the server decodes it; {@code null} when absent (anonymous, by the specification). */
    private Object decode(ExtensionObject encoded) {
        if (encoded == null || encoded.isNull()) {
            return null;
        }
        try {
            return encoded.decode(server.getStaticEncodingContext());
        } catch (RuntimeException undecodable) {
            // Milo treats an undecodable token as anonymous too.
            return null;
        }
    }

    private static Optional<X509Certificate> userCertificate(X509IdentityToken token) {
        try {
            return Optional.of(
                    CertificateUtil.decodeCertificate(token.getCertificateData().bytesOrEmpty()));
        } catch (UaException | RuntimeException notACertificate) {
            return Optional.empty();
        }
    }

    /**
     * @param token the identity token's type, or {@code null} when the refusal is not about it
     * @param user the user certificate of a certificate token, or {@code null}
     */
    private void report(
            ServiceRequestContext context,
            String reason,
            String detail,
            UaException e,
            @Nullable String token,
            @Nullable CertificateFacts user) {
        String peer = peer(context);
        Optional<X509Certificate> application =
                Optional.ofNullable(context.getSecureChannel().getRemoteCertificate());
        refusals.refused(
                new SecurityDetail.ScadaSessionRefused(
                        reason,
                        peer,
                        application
                                .map(c -> c.getSubjectX500Principal().getName())
                                .orElse(null),
                        application.flatMap(CertificateUtil::getSanUri).orElse(null),
                        UaStatus.name(e.getStatusCode().value()),
                        token,
                        user == null ? null : user.subject(),
                        user == null ? null : user.issuer(),
                        user == null ? null : user.thumbprint()),
                "OPC UA session from " + peer
                        + application
                                .map(c -> " (" + c.getSubjectX500Principal().getName() + ")")
                                .orElse("")
                        + " refused: " + detail);
    }

    private static String peer(ServiceRequestContext context) {
        try {
            InetAddress address = context.clientAddress();
            return address.getHostAddress();
        } catch (RuntimeException unknown) {
            return "unknown";
        }
    }

    private static String describe(UaException e) {
        return UaStatus.describe(e);
    }
}
