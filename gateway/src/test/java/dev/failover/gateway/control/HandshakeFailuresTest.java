package dev.failover.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.CertificateRejectedException;
import dev.failover.certs.VerificationResult;
import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * How a failed handshake is named, on both sides. The JDK names some causes only in its messages;
 * these are the texts of the JDK's TLS implementation (sun.security.ssl) the project runs on.
 */
class HandshakeFailuresTest {

    private static SSLHandshakeException handshake(String message, Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException(message);
        e.initCause(cause);
        return e;
    }

    @Test
    void aCertificateRefusedByThePlantVerifierKeepsTheVerifiersReason() {
        CertificateRejectedException rejected = new CertificateRejectedException(new VerificationResult.Rejected(
                VerificationResult.Reason.REVOKED, "CN=rex: revoked", Optional.empty()));

        HandshakeFailures.Refusal refusal = HandshakeFailures.classify(handshake("certificate_unknown", rejected));

        assertThat(refusal.reason()).isEqualTo(RefusalReason.REVOKED);
        assertThat(refusal.detail()).contains("CN=rex: revoked");
    }

    @Test
    void theOtherCausesOfAFailedServerHandshake() {
        assertThat(HandshakeFailures.classify(handshake("Empty client certificate chain", null))
                        .reason())
                .isEqualTo(RefusalReason.NO_CERTIFICATE);
        assertThat(HandshakeFailures.classify(handshake("Received fatal alert: certificate_unknown", null)))
                .satisfies(r -> {
                    assertThat(r.reason()).isEqualTo(RefusalReason.PEER_ABORTED);
                    assertThat(r.detail()).contains("does not trust the gateway's certificate");
                });
        assertThat(HandshakeFailures.classify(new SocketTimeoutException("Read timed out"))
                        .reason())
                .isEqualTo(RefusalReason.HANDSHAKE_TIMEOUT);
        assertThat(HandshakeFailures.classify(handshake(
                                "Remote host terminated the handshake", new EOFException("SSL peer shut down")))
                        .reason())
                .isEqualTo(RefusalReason.PEER_ABORTED);
        assertThat(HandshakeFailures.classify(handshake(
                                "The client supported protocol versions [TLSv1.1] are not accepted by server preferences",
                                null))
                        .reason())
                .isEqualTo(RefusalReason.PROTOCOL);
    }

    @Test
    void theClientTellsARefusalByTheGatewayFromNoAnswer() {
        ControlCallException refused = ControlCallException.afterConnect(
                new javax.net.ssl.SSLException("(certificate_unknown) Received fatal alert: certificate_unknown"));
        ControlCallException closed =
                ControlCallException.afterConnect(new java.net.SocketException("Connection reset"));

        assertThat(refused.failure()).isEqualTo(ControlCallException.Failure.REFUSED);
        assertThat(refused.alert()).contains("certificate_unknown");
        assertThat(refused.refusedCertificate()).isTrue();
        assertThat(refused.getMessage())
                .isEqualTo("its TLS handshake failed: certificate unknown (the gateway does not accept this client"
                        + " certificate)");
        assertThat(closed.failure()).isEqualTo(ControlCallException.Failure.NO_ANSWER);
    }
}
