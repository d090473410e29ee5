package dev.failover.gateway.link.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.Keystores;
import dev.failover.certs.TestPki;
import dev.failover.certs.TlsContexts;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a failed Modbus/TCP Security connection is reported: a refusal by either side is {@link
 * LinkError#SECURITY} with the reason, a connection closed without an alert in the middle of the
 * handshake (what a controller does to pending handshakes it drops under a flood) is {@link
 * LinkError#CONNECTION_LOST}, not a certificate refusal. Real TLS servers on 127.0.0.1.
 */
@Timeout(60)
class ModbusTlsFailureIT {

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static SSLContext gatewayTls;

    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    static void issue() throws Exception {
        pki = TestPki.create(dir);
        gatewayTls = pki.tlsContext(pki.gateway("gw-tls-failures", "gateway"));
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    @Test
    void aControllerCertificateOfAnotherCaIsRefusedByTheGateway() throws Exception {
        IssuedCertificate foreign = pki.foreignPki()
                .issue(
                        CertificateRequest.builder(CertificateKind.CONTROLLER, "plc-foreign")
                                .ipAddress("127.0.0.1")
                                .build(),
                        TestPki.KEYSTORE_PASSWORD);
        SSLContext foreignController = TlsContexts.create(
                Keystores.loadIdentity(foreign.keyStore(), TestPki.KEYSTORE_PASSWORD), pki.verifier());
        int port = tlsServer(foreignController);

        LinkResult<?> result = link(port, gatewayTls).readStatus();

        assertFailed(result, LinkError.SECURITY, "refused: certificate refused");
    }

    @Test
    void aControllerThatAnswersWithAnAlertRefusedTheConnection() throws Exception {
        // A fatal handshake_failure alert, TLS 1.2 record, in answer to the ClientHello.
        byte[] alert = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
        int port = rawServer(accepted -> {
            accepted.getInputStream().read(new byte[5]);
            accepted.getOutputStream().write(alert);
            accepted.getOutputStream().flush();
            accepted.getInputStream().readAllBytes(); // until the client closes
        });

        LinkResult<?> result = link(port, gatewayTls).readStatus();

        assertFailed(result, LinkError.SECURITY, "the controller sent the alert handshake_failure");
    }

    @Test
    void aHandshakeClosedWithoutAnAlertBrokeOffAndIsNoCertificateRefusal() throws Exception {
        // What plc-sim does to a pending handshake it drops to admit others; a controller refusing the
        // gateway's certificate can look the same (its alert races with the gateway's last writes).
        int port = rawServer(accepted -> accepted.getInputStream().read(new byte[5]));

        LinkResult<?> result = link(port, gatewayTls).readStatus();

        assertFailed(result, LinkError.CONNECTION_LOST, "broke off");
    }

    private interface Conversation {
        void run(Socket accepted) throws IOException;
    }

    /** A plain TCP server on 127.0.0.1 that holds {@code conversation} with each client, then closes. */
    private int rawServer(Conversation conversation) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeAfter.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket accepted = server.accept()) {
                    conversation.run(accepted);
                } catch (IOException e) {
                    // the client went away, or the server was closed
                }
            }
        });
        return server.getLocalPort();
    }

    private static void assertFailed(LinkResult<?> result, LinkError error, String detail) {
        assertThat(result).isInstanceOfSatisfying(LinkResult.Failed.class, failed -> {
            assertThat(failed.error()).as(failed.detail()).isEqualTo(error);
            assertThat(failed.detail()).contains(detail);
        });
    }

    /** A TLS server on 127.0.0.1 that completes (or fails) the handshake of each client, then reads. */
    private int tlsServer(SSLContext context) throws IOException {
        ServerSocket server = TlsContexts.serverSocket(context, InetAddress.getLoopbackAddress(), 0);
        closeAfter.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    SSLSocket accepted = (SSLSocket) server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (accepted) {
                            accepted.startHandshake();
                            accepted.getInputStream().read();
                        } catch (IOException refused) {
                            // the alert went to the client
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    private ModbusLink link(int port, SSLContext tls) {
        ModbusLink link = new ModbusLink(
                "plc-tls",
                new ModbusEndpoint("127.0.0.1", port, 1),
                StatusRegisters.defaults(),
                Duration.ofSeconds(2),
                Duration.ofMillis(100),
                Ticker.system(),
                tls);
        closeAfter.add(link);
        return link;
    }
}
