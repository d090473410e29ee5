package dev.failover.gateway.link.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import com.ghgande.j2mod.modbus.ModbusIOException;
import java.io.EOFException;
import java.net.SocketException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsFailuresTest {

    @Test
    void anAlertIsARefusalAlsoWhenJ2modKeptOnlyItsMessage() {
        // j2mod 3.3.0 rethrows a failed read as a ModbusIOException with the message and no cause.
        assertThat(TlsFailures.refusal(new ModbusIOException("I/O exception - failed to read response for"
                        + " request [...] - Received fatal alert: bad_certificate")))
                .contains("the controller sent the alert bad_certificate");
        assertThat(TlsFailures.refusal(new SSLHandshakeException("Received fatal alert: certificate_unknown")))
                .contains("the controller sent the alert certificate_unknown");
    }

    @Test
    void aCertificateRefusedHereIsARefusal() {
        SSLHandshakeException e = new SSLHandshakeException("PKIX path validation failed");
        e.initCause(new CertificateException("UNKNOWN_CA: CN=plc-x is not from the plant"));
        assertThat(TlsFailures.refusal(e)).contains("certificate refused: UNKNOWN_CA: CN=plc-x is not from the plant");
    }

    @Test
    void aConnectionClosedOrResetWithoutAnAlertIsNoRefusal() {
        SSLHandshakeException closed = new SSLHandshakeException("Remote host terminated the handshake");
        closed.initCause(new EOFException("SSL peer shut down incorrectly"));
        assertThat(TlsFailures.refusal(closed)).isEmpty();
        assertThat(TlsFailures.refusal(new SocketException("Broken pipe"))).isEmpty();
        assertThat(TlsFailures.refusal(new ModbusIOException("Premature end of stream")))
                .isEmpty();
    }
}
