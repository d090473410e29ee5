package dev.failover.gateway.control;

import dev.failover.certs.CertificateRejectedException;
import dev.failover.certs.VerificationResult;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Why a client's TLS handshake with the control endpoint failed, from the server's side. The
 * certificate reasons come from the plant verifier ({@link CertificateRejectedException} in the
 * cause chain); the rest from the JDK's exceptions, whose messages are the only place some causes
 * are named (the TLS alerts have no API). Stateless.
 */
final class HandshakeFailures {

    /** What the JDK says when a client answered the certificate request with no certificate. */
    private static final String NO_CLIENT_CERTIFICATE = "Empty client certificate chain";

    private static final String ALERT = "Received fatal alert: ";

    /** A refusal's reason and a sentence for the event. */
    record Refusal(RefusalReason reason, String detail) {}

    private HandshakeFailures() {}

    static Refusal classify(IOException failure) {
        Optional<VerificationResult.Rejected> rejected = CertificateRejectedException.find(failure);
        if (rejected.isPresent()) {
            return new Refusal(
                    certificateReason(rejected.get().reason()),
                    "its certificate was refused: " + rejected.get().detail());
        }
        if (mentions(failure, NO_CLIENT_CERTIFICATE)) {
            return new Refusal(RefusalReason.NO_CERTIFICATE, "it presented no client certificate");
        }
        Optional<String> alert = alert(failure);
        if (alert.isPresent()) {
            return new Refusal(
                    RefusalReason.PEER_ABORTED,
                    "it aborted the handshake with the alert " + alert.get()
                            + (alert.get().startsWith("certificate")
                                            || alert.get().equals("unknown_ca")
                                    ? " (it does not trust the gateway's certificate)"
                                    : ""));
        }
        if (failure instanceof SocketTimeoutException) {
            return new Refusal(RefusalReason.HANDSHAKE_TIMEOUT, "its handshake did not complete in time");
        }
        if (failure instanceof EOFException
                || failure.getCause() instanceof EOFException
                || mentions(failure, "Remote host terminated the handshake")
                || mentions(failure, "close_notify during handshake")) {
            return new Refusal(RefusalReason.PEER_ABORTED, "it closed the connection during the handshake");
        }
        if (failure instanceof SSLException) {
            return new Refusal(RefusalReason.PROTOCOL, "its handshake failed: " + failure.getMessage());
        }
        return new Refusal(RefusalReason.PEER_ABORTED, "the connection failed during the handshake: " + failure);
    }

    /** The name of the TLS alert the peer sent, if the failure is one. */
    static Optional<String> alert(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            int at = message == null ? -1 : message.indexOf(ALERT);
            if (at >= 0) {
                // "(certificate_unknown) Received fatal alert: certificate_unknown"
                return Optional.of(message.substring(at + ALERT.length()).strip());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    private static boolean mentions(Throwable failure, String text) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static RefusalReason certificateReason(VerificationResult.Reason reason) {
        return switch (reason) {
            case UNKNOWN_CA -> RefusalReason.UNKNOWN_CA;
            case EXPIRED -> RefusalReason.EXPIRED;
            case NOT_YET_VALID -> RefusalReason.NOT_YET_VALID;
            case REVOKED -> RefusalReason.REVOKED;
            case REVOCATION_UNKNOWN -> RefusalReason.REVOCATION_UNKNOWN;
            case BAD_SIGNATURE -> RefusalReason.BAD_SIGNATURE;
            case WRONG_USAGE -> RefusalReason.WRONG_USAGE;
            case NAME_MISMATCH, MALFORMED, OTHER -> RefusalReason.BAD_CERTIFICATE;
        };
    }
}
