package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.failover.plcsim.OpcUaFixture.Disconnecting;
import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.opcua.PlcOpcUaServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.milo.opcua.stack.core.channel.messages.HelloMessage;
import org.eclipse.milo.opcua.stack.core.channel.messages.TcpMessageEncoder;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 on the OPC UA port: clients without a trusted application certificate cannot exhaust it.
 * The relay in front of Milo admits connections on their real source address (attackers connect
 * from 127.0.0.2 and up, the client with the plant's certificate from 127.0.0.1); a connection is
 * authenticated once a request arrives on a secure channel Milo opened for a trusted certificate.
 */
@Timeout(60)
class OpcUaAdmissionIT {

    private static final Duration NO_DEADLINE = Duration.ofSeconds(30);
    private static final Duration BOUND = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    private static OpcUaFixture ua;

    private final Plcs plcs = new Plcs();

    @BeforeAll
    static void createPki() throws Exception {
        ua = OpcUaFixture.create(dir);
    }

    @AfterEach
    void stop() {
        plcs.close();
    }

    private SimulatedPlc start(Duration handshakeTimeout) throws IOException {
        return plcs.start(
                SimConfig.of("A", Role.STANDBY).withOpcUa(ua.serverConfig(handshakeTimeout)), Plant.inMemory());
    }

    private Socket silent(InetAddress from, int port) throws IOException {
        Socket socket = plcs.track(OtherHosts.connect(from, port));
        socket.setSoTimeout((int) BOUND.toMillis());
        return socket;
    }

    private static long counter(SimulatedPlc plc, String name) throws IOException {
        return Long.parseLong(
                ControlClient.status("127.0.0.1", plc.controlPort(), BOUND).get(name));
    }

    private static int opcUaPort(SimulatedPlc plc) {
        return plc.opcUaPort().orElseThrow();
    }

    /** Reads (and drops) what the server sends until it closes the connection. */
    private static void awaitClosedByServer(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // The Acknowledge of a Hello, if any.
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was still open after " + BOUND, e);
        } catch (IOException e) {
            // Reset: closed too.
        }
    }

    @Test
    void silentConnectionsFromManyAddressesCannotKeepOutAClientWithATrustedCertificate() throws Exception {
        SimulatedPlc plc = start(NO_DEADLINE);
        int addresses = Admission.Limits.MAX_PENDING / Admission.Limits.MAX_PENDING_PER_SOURCE;
        for (int a = 0; a < addresses; a++) {
            for (int i = 0; i < Admission.Limits.MAX_PENDING_PER_SOURCE; i++) {
                silent(OtherHosts.address(2 + a), opcUaPort(plc));
            }
        }
        silent(OtherHosts.address(2 + addresses), opcUaPort(plc));
        await().atMost(BOUND).until(() -> counter(plc, "uaEvicted") == 1);

        try (Disconnecting client = new Disconnecting(ua.connect(opcUaPort(plc)))) {
            assertThat(OpcUaFixture.readUInt16(client.client(), OpcUaFixture.node(client.client(), "Status/ROLE")))
                    .isEqualTo(Role.STANDBY.code());
        }
        assertThat(counter(plc, "uaEvicted"))
                .as("the client's connections (endpoints, then its session) took attackers' places")
                .isGreaterThan(1);
        assertThat(counter(plc, "uaRefused")).isZero();
        assertThat(counter(plc, "refused")).as("the Modbus port counts apart").isZero();
    }

    @Test
    void aTrustedClientsSessionOutlivesTheHandshakeDeadline() throws Exception {
        // Authenticated once its secure channel is up: the deadline must not cut it (if the relay never
        // learnt that, every OPC UA client would be cut after a second).
        Duration deadline = Duration.ofSeconds(1);
        SimulatedPlc plc = start(deadline);
        try (Disconnecting client = new Disconnecting(ua.connect(opcUaPort(plc)))) {
            NodeId role = OpcUaFixture.node(client.client(), "Status/ROLE");
            long connected = System.nanoTime();
            await("twice the handshake deadline with the session up")
                    .atMost(BOUND)
                    .until(() -> Duration.ofNanos(System.nanoTime() - connected).compareTo(deadline.multipliedBy(2)) > 0
                            && OpcUaFixture.readUInt16(client.client(), role) == Role.STANDBY.code());
        }
        assertThat(counter(plc, "uaHandshakeTimedOut")).as("nothing timed out").isZero();
    }

    @Test
    void aSilentConnectionIsClosedAtTheHandshakeDeadline() throws Exception {
        SimulatedPlc plc = start(Duration.ofMillis(500));
        Socket socket = silent(OtherHosts.address(2), opcUaPort(plc));
        long start = System.nanoTime();

        awaitClosedByServer(socket);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(400));
        await().atMost(BOUND).until(() -> counter(plc, "uaHandshakeTimedOut") == 1);
        assertThat(counter(plc, "uaHandshakeFailed")).isZero();
    }

    @Test
    void aHelloWithoutASecureChannelIsClosedAtTheDeadlineWhichMiloAloneWouldNotDo() throws Exception {
        // Milo's own deadline ends at the Hello: after it, a connection may wait for ever.
        SimulatedPlc plc = start(Duration.ofMillis(500));
        Socket socket = silent(OtherHosts.address(2), opcUaPort(plc));
        ByteBuf hello = TcpMessageEncoder.encode(new HelloMessage(
                0, 65_536, 65_536, 0, 0, "opc.tcp://127.0.0.1:" + opcUaPort(plc) + PlcOpcUaServer.PATH));
        try {
            socket.getOutputStream().write(ByteBufUtil.getBytes(hello));
        } finally {
            hello.release();
        }

        awaitClosedByServer(socket);

        await().atMost(BOUND).until(() -> counter(plc, "uaHandshakeTimedOut") == 1);
    }

    @Test
    void anUntrustedApplicationCertificateCountsAsAFailedHandshake() throws Exception {
        SimulatedPlc plc = start(NO_DEADLINE);

        Throwable refused = catchThrowable(() -> ua.connect(
                        opcUaPort(plc),
                        ua.foreignApp,
                        OpcUaFixture.x509(ua.gatewayUser),
                        SecurityPolicy.Basic256Sha256,
                        transport -> {},
                        config -> {})
                .disconnect());

        assertThat(refused).isNotNull();
        // Milo's client tries its secure channel more than once: each refusal counts.
        await().atMost(BOUND).until(() -> counter(plc, "uaHandshakeFailed") >= 1);
        assertThat(counter(plc, "uaHandshakeTimedOut")).isZero();
        try (Disconnecting client = new Disconnecting(ua.connect(opcUaPort(plc)))) {
            assertThat(OpcUaFixture.readUInt16(client.client(), OpcUaFixture.node(client.client(), "Status/ROLE")))
                    .as("the refused client left no slot taken")
                    .isEqualTo(Role.STANDBY.code());
        }
    }
}
