package dev.failover.gateway.control;

import dev.failover.certs.CertificateRejectedException;
import dev.failover.certs.VerificationResult;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Why a call to the control endpoint got no answer, told apart so that a refusal is reported as one:
 * nothing answered ({@link Failure#UNREACHABLE}), the gateway refused the connection ({@link
 * Failure#REFUSED}, with the TLS alert it sent), this client refused the gateway's certificate
 * ({@link Failure#GATEWAY_UNTRUSTED}), or the connection ended without an answer ({@link
 * Failure#NO_ANSWER}).
 */
public final class ControlCallException extends IOException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Failure {
        /** Nothing accepted the connection: the gateway is not running there, or the address is wrong. */
        UNREACHABLE,
        /** The gateway refused the connection: its TLS handshake failed with an alert from the gateway. */
        REFUSED,
        /** This client refused the gateway's certificate (another PKI, revoked, or the wrong host). */
        GATEWAY_UNTRUSTED,
        /** The connection was accepted but closed or timed out before an answer came. */
        NO_ANSWER
    }

    private final Failure failure;
    private final String alert;

    private ControlCallException(Failure failure, String message, String alert, Throwable cause) {
        super(message, cause);
        this.failure = Objects.requireNonNull(failure, "failure");
        this.alert = alert;
    }

    public Failure failure() {
        return failure;
    }

    /** The TLS alert the gateway sent ({@code certificate_unknown}, ...), for {@link Failure#REFUSED}. */
    public Optional<String> alert() {
        return Optional.ofNullable(alert);
    }

    /** The connection could not be made. */
    static ControlCallException unreachable(IOException cause) {
        return new ControlCallException(Failure.UNREACHABLE, String.valueOf(cause.getMessage()), null, cause);
    }

    /** The connection closed before the answer line. */
    static ControlCallException noAnswer(String message) {
        return new ControlCallException(Failure.NO_ANSWER, message, null, null);
    }

    /** Classifies a failure after the connection was made (handshake, request or answer). */
    static ControlCallException afterConnect(IOException cause) {
        Optional<VerificationResult.Rejected> untrusted = CertificateRejectedException.find(cause);
        if (untrusted.isPresent()) {
            return new ControlCallException(
                    Failure.GATEWAY_UNTRUSTED,
                    "this client does not trust the gateway's certificate: "
                            + untrusted.get().reason() + ": " + untrusted.get().detail(),
                    null,
                    cause);
        }
        Optional<String> alert = HandshakeFailures.alert(cause);
        if (alert.isPresent()) {
            return new ControlCallException(
                    Failure.REFUSED, "its TLS handshake failed: " + describe(alert.get()), alert.get(), cause);
        }
        if (cause instanceof SocketTimeoutException) {
            return new ControlCallException(Failure.NO_ANSWER, "no answer in time", null, cause);
        }
        if (cause instanceof SSLException ssl
                && !String.valueOf(ssl.getMessage()).contains("terminated")) {
            return new ControlCallException(
                    Failure.REFUSED, "its TLS handshake failed: " + ssl.getMessage(), null, cause);
        }
        return new ControlCallException(
                Failure.NO_ANSWER,
                "the gateway closed the connection without an answer (" + cause.getMessage() + ")",
                null,
                cause);
    }

    /** A TLS alert the gateway sends, in words with what it means here (RFC 8446 §6.2). */
    static String describe(String alert) {
        String words = words(alert);
        return switch (alert) {
            case "certificate_unknown" -> words + " (the gateway does not accept this client certificate)";
            case "bad_certificate" -> words + " (the gateway cannot use this client certificate)";
            case "unknown_ca" -> words + " (the gateway does not trust this client certificate's CA)";
            case "certificate_required" -> words + " (the gateway answers only clients with an operator certificate)";
            case "protocol_version" -> words + " (the gateway speaks TLS 1.2 and 1.3 only)";
            case "handshake_failure", "insufficient_security" ->
                words + " (no TLS version or cipher suite in common, or no client certificate)";
            default -> words;
        };
    }

    /** A TLS alert's name in words: {@code certificate_unknown} is "certificate unknown". */
    public static String words(String alert) {
        return alert.equals("unknown_ca") ? "unknown CA" : alert.replace('_', ' ');
    }

    /** Whether the alert says the gateway refused this client's certificate. */
    public boolean refusedCertificate() {
        return alert != null
                && (alert.startsWith("certificate_") && !alert.equals("certificate_required")
                        || alert.equals("bad_certificate")
                        || alert.equals("unknown_ca"));
    }
}
