package dev.failover.plcsim;

import static dev.failover.plcsim.ModbusTestClient.exceptionCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.ghgande.j2mod.modbus.ModbusIOException;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.Keystores;
import dev.failover.certs.TestPki;
import dev.failover.certs.TlsContexts;
import dev.failover.plcsim.modbus.AccessPolicy;
import dev.failover.plcsim.modbus.ExceptionCode;
import dev.failover.plcsim.modbus.Roles;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Modbus/TCP Security on a real controller over 127.0.0.1: TLS 1.2/1.3 with mutual authentication
 * against a plant PKI made at test time, and authorization by the role in the client certificate.
 * Every refusal is checked on the process value too: a refused write must change nothing.
 */
@Timeout(30)
class ModbusSecurityIT {

    private static final int ILLEGAL_FUNCTION = ExceptionCode.ILLEGAL_FUNCTION.code();
    private static final int DEFAULT_LEVEL_SP = 5000;

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static SSLContext controller;
    private static SSLContext gateway;
    private static SSLContext operator;
    private static SSLContext noRole;

    private final Plcs plcs = new Plcs();

    @BeforeAll
    static void createPki() throws Exception {
        pki = TestPki.create(dir);
        controller = pki.tlsContext(pki.controller("plc-a"));
        gateway = pki.tlsContext(pki.gateway("gateway-1", "gateway"));
        operator = pki.tlsContext(pki.operator("olga", "operator"));
        // A controller certificate is a valid TLS client certificate of the plant without a role.
        noRole = pki.tlsContext(pki.controller("plc-b"));
    }

    @AfterEach
    void stop() {
        plcs.close();
    }

    private SimulatedPlc start(SimConfig.Tls tls) throws Exception {
        SimulatedPlc plc = plcs.start(SimConfig.of("A", Role.STANDBY).withTls(tls), Plant.inMemory());
        try (ModbusTestClient client = ModbusTestClient.connectTls(plc.modbusPort(), gateway)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.read(RegisterMap.STATUS) == Status.RUN.code());
        }
        return plc;
    }

    private SimulatedPlc startDefault() throws Exception {
        return start(SimConfig.Tls.of(controller));
    }

    private int levelSetpoint(SimulatedPlc plc) throws Exception {
        try (ModbusTestClient client = ModbusTestClient.connectTls(plc.modbusPort(), gateway)) {
            return client.read(RegisterMap.LEVEL_SP);
        }
    }

    @Test
    void theGatewayReadsAndWrites() throws Exception {
        SimulatedPlc plc = startDefault();

        try (ModbusTestClient client = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), gateway))) {
            client.write(RegisterMap.LEVEL_SP, 6000);
            client.writeMultiple(RegisterMap.VALVE_SP, 2500, 1200);

            assertThat(client.read(RegisterMap.LEVEL_SP, 3)).containsExactly(6000, 2500, 1200);
            assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
        }
        assertThat(plc.snapshot().tls()).isTrue();
    }

    @Test
    void anOperatorReadsButItsWritesAnswerIllegalFunctionAndChangeNothing() throws Exception {
        SimulatedPlc plc = startDefault();

        try (ModbusTestClient client = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), operator))) {
            assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());

            assertThat(exceptionCode(() -> client.write(RegisterMap.LEVEL_SP, 9000)))
                    .isEqualTo(ILLEGAL_FUNCTION);
            assertThat(exceptionCode(() -> client.writeMultiple(RegisterMap.LEVEL_SP, 9000, 9000)))
                    .isEqualTo(ILLEGAL_FUNCTION);
            // A promotion is the write that matters most: refused, the controller stays standby.
            assertThat(exceptionCode(() -> client.write(RegisterMap.ROLE, Role.ACTIVE.code())))
                    .isEqualTo(ILLEGAL_FUNCTION);

            assertThat(client.read(RegisterMap.LEVEL_SP))
                    .as("the connection stays usable")
                    .isEqualTo(DEFAULT_LEVEL_SP);
        }
        assertThat(levelSetpoint(plc)).isEqualTo(DEFAULT_LEVEL_SP);
        assertThat(plc.snapshot().role()).isEqualTo(Role.STANDBY);
    }

    @Test
    void aCertificateWithoutARoleReadsByDefaultButCannotWrite() throws Exception {
        SimulatedPlc plc = startDefault();

        try (ModbusTestClient client = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), noRole))) {
            assertThat(client.read(RegisterMap.LEVEL_SP)).isEqualTo(DEFAULT_LEVEL_SP);
            assertThat(exceptionCode(() -> client.write(RegisterMap.LEVEL_SP, 9000)))
                    .isEqualTo(ILLEGAL_FUNCTION);
        }
        assertThat(levelSetpoint(plc)).isEqualTo(DEFAULT_LEVEL_SP);
    }

    @Test
    void readAndWriteRolesAreConfigurable() throws Exception {
        AccessPolicy policy = new AccessPolicy(Roles.of("operator"), Roles.of("gateway", "operator"));
        SimulatedPlc plc = start(SimConfig.Tls.of(controller).withAccess(policy));

        try (ModbusTestClient anonymous = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), noRole));
                ModbusTestClient gatewayClient = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), gateway));
                ModbusTestClient operatorClient = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), operator))) {
            assertThat(exceptionCode(() -> anonymous.read(RegisterMap.LEVEL_SP)))
                    .isEqualTo(ILLEGAL_FUNCTION);
            assertThat(exceptionCode(() -> gatewayClient.write(RegisterMap.LEVEL_SP, 9000)))
                    .isEqualTo(ILLEGAL_FUNCTION);
            operatorClient.write(RegisterMap.LEVEL_SP, 7000);

            assertThat(gatewayClient.read(RegisterMap.LEVEL_SP)).isEqualTo(7000);
        }
    }

    @Test
    void aClientCertificateFromAnotherCaFailsTheHandshake() throws Exception {
        SimulatedPlc plc = startDefault();
        IssuedCertificate foreign = pki.foreignOperator("mallory", "gateway");
        // The impostor trusts the plant root, so only the controller's check of its certificate can fail.
        SSLContext impostor = TlsContexts.create(
                Keystores.loadIdentity(foreign.keyStore(), TestPki.KEYSTORE_PASSWORD), pki.verifier());

        assertRefused(plc, impostor);
    }

    @Test
    void aRevokedClientCertificateFailsTheHandshake() throws Exception {
        SimulatedPlc plc = startDefault();

        assertRefused(plc, pki.tlsContext(pki.revokedOperator("eve", "gateway")));
    }

    @Test
    void anExpiredClientCertificateFailsTheHandshake() throws Exception {
        SimulatedPlc plc = startDefault();

        assertRefused(plc, pki.tlsContext(pki.expiredOperator("old", "gateway")));
    }

    /** A gateway-role client of {@code context} cannot write: its TLS handshake is refused. */
    private void assertRefused(SimulatedPlc plc, SSLContext context) throws Exception {
        // Under TLS 1.3 the client may finish its side of the handshake before the server has
        // refused its certificate; the refusal then arrives as an alert on the first read.
        Throwable failure = catchThrowable(() -> {
            try (ModbusTestClient client = ModbusTestClient.connectTls(plc.modbusPort(), context)) {
                client.write(RegisterMap.LEVEL_SP, 9000);
            }
        });

        // SSLException for the alert; an IOException such as a broken pipe when the server closed first.
        assertThat(failure).isInstanceOfAny(IOException.class, ModbusIOException.class);
        assertThat(levelSetpoint(plc)).isEqualTo(DEFAULT_LEVEL_SP);
    }

    @Test
    void aPlainModbusClientGetsNoAnswerOnTheTlsPort() throws Exception {
        SimulatedPlc plc = startDefault();

        Throwable failure = catchThrowable(() -> {
            try (ModbusTestClient client = ModbusTestClient.connect(plc.modbusPort())) {
                client.write(RegisterMap.LEVEL_SP, 9000);
            }
        });

        assertThat(failure).isInstanceOfAny(IOException.class, ModbusIOException.class);
        assertThat(levelSetpoint(plc)).isEqualTo(DEFAULT_LEVEL_SP);
    }

    @Test
    void tls12IsAccepted() throws Exception {
        SimulatedPlc plc = startDefault();

        try (ModbusTestClient client = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), gateway, "TLSv1.2"))) {
            assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
        }
    }

    @Test
    void aTls11ClientHelloIsAnsweredWithAProtocolVersionAlert() throws Exception {
        // The JDK's own client refuses to offer TLS 1.1, so the hello is sent as raw bytes.
        SimulatedPlc plc = startDefault();

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), plc.modbusPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(Tls11ClientHello.bytes());
            out.flush();

            byte[] alert = new byte[7];
            new DataInputStream(socket.getInputStream()).readFully(alert);

            assertThat(alert[0]).as("record type: alert").isEqualTo((byte) 0x15);
            assertThat(alert[5]).as("alert level: fatal").isEqualTo((byte) 2);
            assertThat(alert[6]).as("alert: protocol_version").isEqualTo((byte) 70);
            assertThat(socket.getInputStream().read())
                    .as("then the connection closes")
                    .isEqualTo(-1);
        } catch (EOFException | SocketException e) {
            throw new AssertionError("expected a protocol_version alert before the close", e);
        }
    }

    @Test
    void aPlainPortServesBesideTheTlsPortWithoutAuthorization() throws Exception {
        SimulatedPlc plc = start(SimConfig.Tls.of(controller).withPlainPort(0));

        assertThat(plc.plainPort()).isPresent();
        try (ModbusTestClient plain =
                plcs.track(ModbusTestClient.connect(plc.plainPort().getAsInt()))) {
            plain.write(RegisterMap.LEVEL_SP, 6500);
        }
        assertThat(levelSetpoint(plc)).isEqualTo(6500);
        assertThat(plc.tls()).isTrue();
    }

    @Test
    void aCrashedControllerRestartsWithTls() throws Exception {
        SimulatedPlc plc = startDefault();

        plc.faults().crash();
        plc.faults().clear();

        try (ModbusTestClient client = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), operator))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.read(RegisterMap.STATUS) == Status.RUN.code());
            assertThat(exceptionCode(() -> client.write(RegisterMap.LEVEL_SP, 9000)))
                    .isEqualTo(ILLEGAL_FUNCTION);
        }
        assertThat(ControlDispatcher.statusLine(plc.snapshot())).contains(" tls=true ");
    }

    /** A TLS 1.1 ClientHello (RFC 4346): no extension offers a newer version. */
    private static final class Tls11ClientHello {

        static byte[] bytes() throws IOException {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.write(new byte[] {0x03, 0x02}); // client_version TLS 1.1
            body.write(new byte[32]); // random
            body.write(0); // no session id
            byte[] suites = {(byte) 0xC0, 0x09, (byte) 0xC0, 0x13, 0x00, 0x2F};
            body.write(new byte[] {0, (byte) suites.length});
            body.write(suites);
            body.write(new byte[] {1, 0}); // compression: null
            byte[] extensions = {
                0x00,
                0x0A,
                0x00,
                0x04,
                0x00,
                0x02,
                0x00,
                0x17, // supported_groups: secp256r1
                0x00,
                0x0B,
                0x00,
                0x02,
                0x01,
                0x00 // ec_point_formats: uncompressed
            };
            body.write(new byte[] {0, (byte) extensions.length});
            body.write(extensions);
            byte[] hello = body.toByteArray();

            java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
            int handshakeLength = hello.length + 4;
            record.write(new byte[] {0x16, 0x03, 0x01, (byte) (handshakeLength >> 8), (byte) handshakeLength});
            record.write(new byte[] {0x01, 0, (byte) (hello.length >> 8), (byte) hello.length});
            record.write(hello);
            return record.toByteArray();
        }
    }
}
