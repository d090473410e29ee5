package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.certs.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller's security posture made weaker while it runs, through its control port, as a
 * gateway's posture checks are drilled with (issue 13): what each real TLS handshake over 127.0.0.1
 * is allowed, a plain Modbus TCP port opened and closed beside the TLS one, and the identity block.
 */
@Timeout(30)
class PostureControlsIT {

    private static final String STRONG_12 = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    private static final String CBC_12 = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static SSLContext gateway;
    private static String gatewayThumbprint;

    private final Plcs plcs = new Plcs();
    private SimulatedPlc plc;

    @BeforeAll
    static void createPki() throws Exception {
        pki = TestPki.create(dir);
        dev.failover.certs.IssuedCertificate issued = pki.gateway("gateway-1", "gateway");
        gateway = pki.tlsContext(issued);
        gatewayThumbprint = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(issued.certificate().getEncoded()));
    }

    @BeforeEach
    void start() throws Exception {
        plc = plcs.start(
                SimConfig.of("A", Role.STANDBY).withTls(SimConfig.Tls.of(pki.tlsContext(pki.controller("plc-a")))),
                Plant.inMemory());
    }

    @AfterEach
    void stop() {
        plcs.close();
    }

    private String control(String line) throws IOException {
        return ControlClient.send("127.0.0.1", plc.controlPort(), line, TIMEOUT);
    }

    /** Whether a TLS handshake offering only {@code protocol} and {@code suite} succeeds. */
    private boolean handshake(String protocol, String suite) throws IOException {
        try (SSLSocket socket = (SSLSocket) gateway.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", plc.modbusPort()), 2_000);
            socket.setSoTimeout(2_000);
            socket.setEnabledProtocols(new String[] {protocol});
            if (suite != null) {
                socket.setEnabledCipherSuites(new String[] {suite});
            }
            socket.startHandshake();
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Test
    void byDefaultTls13And12WithStrongSuitesOnly() throws Exception {
        assertThat(handshake("TLSv1.3", null)).isTrue();
        assertThat(handshake("TLSv1.2", STRONG_12)).isTrue();
        assertThat(handshake("TLSv1.2", CBC_12)).as("a CBC suite is refused").isFalse();
    }

    @Test
    void theVersionsAndSuitesChangeForNewConnections() throws Exception {
        assertThat(control("suites cbc")).isEqualTo("OK");
        assertThat(handshake("TLSv1.2", CBC_12)).isTrue();

        assertThat(control("tls 1.3")).isEqualTo("OK");
        assertThat(handshake("TLSv1.2", STRONG_12)).isFalse();
        assertThat(handshake("TLSv1.3", null)).isTrue();

        assertThat(control("tls 1.2-only")).isEqualTo("OK");
        assertThat(handshake("TLSv1.3", null)).isFalse();
        assertThat(handshake("TLSv1.2", STRONG_12)).isTrue();

        assertThat(control("clear")).isEqualTo("OK");
        assertThat(handshake("TLSv1.3", null))
                .as("a posture is not a fault: clear leaves it")
                .isFalse();
        assertThat(control("tls 1.1")).startsWith("ERR tls needs 1.3, 1.2 or 1.2-only");
    }

    @Test
    void aPlainPortOpensAndClosesBesideTheTlsPort() throws Exception {
        assertThat(plc.plainPort()).isEmpty();

        assertThat(control("plain on 0")).isEqualTo("OK");
        int port = plc.plainPort().orElseThrow();
        try (ModbusTestClient client = ModbusTestClient.connect(port)) {
            assertThat(client.read(RegisterMap.LEVEL_SP)).isEqualTo(5000);
        }

        assertThat(control("plain off")).isEqualTo("OK");
        assertThat(plc.plainPort()).isEmpty();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }

    @Test
    void theIdentityBlockReportsTheVersionsSet() throws Exception {
        assertThat(control("identity firmware plc-sim-0.0.9")).isEqualTo("OK");
        assertThat(control("identity program tank-pi-2")).isEqualTo("OK");

        try (ModbusTestClient client = ModbusTestClient.connectTls(plc.modbusPort(), gateway)) {
            assertThat(ascii(client.read(RegisterMap.FIRMWARE_VERSION, 8))).isEqualTo("plc-sim-0.0.9");
            assertThat(ascii(client.read(RegisterMap.PROGRAM_VERSION, 8))).isEqualTo("tank-pi-2");
        }
    }

    private static String ascii(int[] registers) {
        byte[] bytes = new byte[registers.length * 2];
        for (int i = 0; i < registers.length; i++) {
            bytes[2 * i] = (byte) (registers[i] >> 8);
            bytes[2 * i + 1] = (byte) registers[i];
        }
        return new String(bytes, StandardCharsets.US_ASCII).replace("\0", "");
    }

    @Test
    void theLastWriterOfASetpointAndTheWriteCountAreReported() throws Exception {
        try (ModbusTestClient client = ModbusTestClient.connectTls(plc.modbusPort(), gateway)) {
            assertThat(client.read(RegisterMap.WRITE_COUNT)).isZero();
            client.write(RegisterMap.LEVEL_SP, 6000);
            client.write(RegisterMap.ROLE, Role.STANDBY.code());

            assertThat(client.read(RegisterMap.WRITE_COUNT))
                    .as("the role write is no setpoint")
                    .isEqualTo(1);
            assertThat(hex(client.read(RegisterMap.LAST_WRITER, 16))).isEqualTo(gatewayThumbprint);
        }
        assertThat(control("plain on 0")).isEqualTo("OK");
        try (ModbusTestClient plain = ModbusTestClient.connect(plc.plainPort().orElseThrow())) {
            plain.write(RegisterMap.VALVE_SP, 2000);
            assertThat(plain.read(RegisterMap.WRITE_COUNT)).isEqualTo(2);
            assertThat(plain.read(RegisterMap.LAST_WRITER, 16)).containsOnly(0xFFFF);
        }
    }

    private static String hex(int[] registers) {
        StringBuilder out = new StringBuilder();
        for (int r : registers) {
            out.append(String.format("%04x", r));
        }
        return out.toString();
    }
}
