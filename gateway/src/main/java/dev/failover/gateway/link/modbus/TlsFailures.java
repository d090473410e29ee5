package dev.failover.gateway.link.modbus;

import java.io.EOFException;
import java.net.SocketException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

/**
 * Tells a TLS refusal from a connection that broke off. A refusal is a decision of one side: the
 * controller sent an alert, the plant PKI refused the controller's certificate, or the two sides
 * share no protocol version or cipher suite. A connection closed or reset without an alert is no
 * refusal: a controller does that to pending handshakes it drops under a flood of connections.
 */
final class TlsFailures {

    /** JSSE's wording for an alert received from the peer, stable since Java 11. */
    private static final String RECEIVED_ALERT = "Received fatal alert: ";

    private static final int MAX_CAUSES = 16;

    private TlsFailures() {}

    /** Why {@code failure} is a refusal, or empty if the connection broke off (or it is no TLS failure). */
    static Optional<String> refusal(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (t instanceof CertificateException) {
                return Optional.of("certificate refused: " + t.getMessage());
            }
            // Also in other exceptions' messages: j2mod rethrows a failed read as a ModbusIOException
            // that keeps the TLS layer's message but not the exception (TLS 1.3: a controller that
            // refuses the gateway's certificate says so with the first answer).
            String message = String.valueOf(t.getMessage());
            int alert = message.indexOf(RECEIVED_ALERT);
            if (alert >= 0) {
                return Optional.of(
                        "the controller sent the alert " + message.substring(alert + RECEIVED_ALERT.length()));
            }
        }
        depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (t instanceof EOFException || t instanceof SocketException) {
                return Optional.empty();
            }
        }
        // A handshake that failed here without a broken connection: no common version or cipher suite.
        return failure instanceof SSLHandshakeException ? Optional.of(failure.getMessage()) : Optional.empty();
    }
}
