package dev.failover.gateway.link.opcua;

import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.UaExceptionStatus;
import org.eclipse.milo.opcua.stack.core.UaSerializationException;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/**
 * How Milo's failures map to {@link LinkError}: status codes that mean the secure channel or session
 * is gone, codes that mean a certificate or identity was refused, and the rest.
 */
final class UaFailures {

    /** A failure as the link reports it. */
    record Failure(LinkError error, String detail) {
        <T> LinkResult<T> result() {
            return LinkResult.failed(error, detail);
        }

        <T> LinkResult<T> result(String context) {
            return LinkResult.failed(error, context + ": " + detail);
        }
    }

    /** The channel, the TCP connection or the session is gone: the connection must be replaced. */
    private static final Set<Long> CONNECTION_GONE = Set.of(
            StatusCodes.Bad_ConnectionClosed,
            StatusCodes.Bad_SecureChannelClosed,
            StatusCodes.Bad_SecureChannelIdInvalid,
            StatusCodes.Bad_SecureChannelTokenUnknown,
            StatusCodes.Bad_TcpSecureChannelUnknown,
            StatusCodes.Bad_TcpInternalError,
            StatusCodes.Bad_TcpMessageTypeInvalid,
            StatusCodes.Bad_CommunicationError,
            StatusCodes.Bad_NoCommunication,
            StatusCodes.Bad_NotConnected,
            StatusCodes.Bad_ServerNotConnected,
            StatusCodes.Bad_Disconnect,
            StatusCodes.Bad_Shutdown,
            StatusCodes.Bad_ServerHalted,
            StatusCodes.Bad_SessionIdInvalid,
            StatusCodes.Bad_SessionClosed,
            StatusCodes.Bad_SessionNotActivated);

    /** A certificate, a security policy or the user identity was refused, by the server or by us. */
    private static final Set<Long> SECURITY = Set.of(
            StatusCodes.Bad_SecurityChecksFailed,
            StatusCodes.Bad_SecurityModeRejected,
            StatusCodes.Bad_SecurityPolicyRejected,
            StatusCodes.Bad_SecurityModeInsufficient,
            StatusCodes.Bad_CertificateInvalid,
            StatusCodes.Bad_CertificatePolicyCheckFailed,
            StatusCodes.Bad_CertificateTimeInvalid,
            StatusCodes.Bad_CertificateIssuerTimeInvalid,
            StatusCodes.Bad_CertificateHostNameInvalid,
            StatusCodes.Bad_CertificateUriInvalid,
            StatusCodes.Bad_CertificateUseNotAllowed,
            StatusCodes.Bad_CertificateIssuerUseNotAllowed,
            StatusCodes.Bad_CertificateUntrusted,
            StatusCodes.Bad_CertificateRevocationUnknown,
            StatusCodes.Bad_CertificateIssuerRevocationUnknown,
            StatusCodes.Bad_CertificateRevoked,
            StatusCodes.Bad_CertificateIssuerRevoked,
            StatusCodes.Bad_CertificateChainIncomplete,
            StatusCodes.Bad_NoValidCertificates,
            StatusCodes.Bad_ApplicationSignatureInvalid,
            StatusCodes.Bad_UserSignatureInvalid,
            StatusCodes.Bad_IdentityTokenInvalid,
            StatusCodes.Bad_IdentityTokenRejected,
            StatusCodes.Bad_IdentityChangeNotSupported,
            StatusCodes.Bad_NonceInvalid);

    private UaFailures() {}

    /** The symbolic name of a status code, e.g. {@code Bad_UserAccessDenied}. */
    static String name(long code) {
        return StatusCodes.lookup(code).map(nd -> nd[0]).orElse(String.format("0x%08X", code));
    }

    static String name(StatusCode status) {
        return name(status.value());
    }

    static boolean connectionGone(long code) {
        return CONNECTION_GONE.contains(code & 0xFFFF0000L);
    }

    static boolean security(long code) {
        return SECURITY.contains(code & 0xFFFF0000L);
    }

    /**
     * A failed connection attempt. A {@code Bad_UserAccessDenied} while connecting is the session
     * refusing our user, so it is a security failure too.
     */
    static Failure ofConnect(Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof UaExceptionStatus ua) {
            long code = ua.getStatusCode().value();
            Throwable cause = t.getCause();
            if (security(code) || code == StatusCodes.Bad_UserAccessDenied) {
                return new Failure(LinkError.SECURITY, "refused: " + describe(ua));
            }
            if (code == StatusCodes.Bad_Timeout || code == StatusCodes.Bad_RequestTimeout) {
                return new Failure(LinkError.TIMEOUT, "no answer: " + describe(ua));
            }
            if (code == StatusCodes.Bad_ConnectionRejected || isUnreachable(cause)) {
                return new Failure(LinkError.UNREACHABLE, "connection refused: " + describe(ua));
            }
            if (connectionGone(code)) {
                return new Failure(LinkError.CONNECTION_LOST, "closed while connecting: " + describe(ua));
            }
            return new Failure(LinkError.UNREACHABLE, describe(ua));
        }
        if (isUnreachable(t)) {
            return new Failure(LinkError.UNREACHABLE, t.toString());
        }
        if (t instanceof IOException) {
            return new Failure(LinkError.CONNECTION_LOST, "closed while connecting: " + t);
        }
        return new Failure(LinkError.UNREACHABLE, t.toString());
    }

    /** A failed request on an open connection. */
    static Failure ofRequest(Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof UaSerializationException e) {
            return new Failure(LinkError.PROTOCOL, "malformed answer: " + describe(e));
        }
        if (t instanceof UaExceptionStatus ua) {
            long code = ua.getStatusCode().value();
            if (code == StatusCodes.Bad_Timeout || code == StatusCodes.Bad_RequestTimeout) {
                return new Failure(LinkError.TIMEOUT, describe(ua));
            }
            if (connectionGone(code)) {
                return new Failure(LinkError.CONNECTION_LOST, describe(ua));
            }
            if (security(code)) {
                return new Failure(LinkError.SECURITY, describe(ua));
            }
            // A service fault: the server answered the whole request with an error.
            return new Failure(LinkError.REJECTED, describe(ua));
        }
        if (t instanceof IOException) {
            return new Failure(LinkError.CONNECTION_LOST, t.toString());
        }
        return new Failure(LinkError.PROTOCOL, t.toString());
    }

    /** Whether a failed request means the connection must be replaced. */
    static boolean replacesConnection(Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof UaExceptionStatus ua) {
            return connectionGone(ua.getStatusCode().value());
        }
        return t instanceof IOException;
    }

    private static boolean isUnreachable(Throwable t) {
        return t instanceof ConnectException
                || t instanceof NoRouteToHostException
                || t instanceof UnknownHostException
                || (t != null && t.getCause() instanceof ConnectException);
    }

    /** {@code Bad_CertificateUntrusted (message)}, without the exception class and the status repeated. */
    static String describe(UaExceptionStatus e) {
        String name = name(e.getStatusCode());
        String message = e.getMessage();
        if (message == null || message.isBlank() || message.startsWith("status=")) {
            Throwable cause = e instanceof Throwable t ? t.getCause() : null;
            return cause == null ? name : name + " (" + cause.getMessage() + ")";
        }
        return name + " (" + message + ")";
    }

    static Throwable unwrap(Throwable thrown) {
        Throwable current = thrown;
        while ((current instanceof ExecutionException || current instanceof CompletionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        // Netty reports a closed channel as ClosedChannelException wrapped in a UaException or alone.
        if (current instanceof ClosedChannelException closed) {
            return new UaException(StatusCodes.Bad_ConnectionClosed, "connection closed", closed);
        }
        // A refusal by our certificate validator reaches us wrapped, e.g. in a Netty DecoderException
        // inside a UaException(Bad_CommunicationError): the security status is the one that counts.
        for (Throwable t = current; t != null; t = t.getCause()) {
            if (t instanceof UaExceptionStatus status
                    && security(status.getStatusCode().value())) {
                return t;
            }
        }
        if (!(current instanceof UaExceptionStatus)) {
            for (Throwable t = current.getCause(); t != null; t = t.getCause()) {
                if (t instanceof UaExceptionStatus) {
                    return t;
                }
            }
        }
        return current;
    }
}
