package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.ghgande.j2mod.modbus.ModbusIOException;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiTrustManager;
import dev.failover.certs.TestPki;
import dev.failover.certs.TlsContexts;
import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.modbus.ModbusServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: connections that never authenticate must not lock an authenticated client (the gateway)
 * out of a controller's Modbus port. Attackers connect from other loopback addresses (127.0.0.2 and
 * up: on Linux the whole of 127/8 is local), as hosts of the plant network other than the
 * gateway's would; the gateway's certificate connects from 127.0.0.1. Counters are read from the
 * control port's {@code status} line, as an operator would.
 */
@Timeout(60)
class ModbusAdmissionIT {

    /** Long enough that no pending connection times out while a test counts. */
    private static final Duration NO_DEADLINE = Duration.ofSeconds(30);

    private static final Duration BOUND = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static SSLContext controller;
    private static SSLContext gateway;
    private static SSLContext unknownCa;
    private static SSLContext noCertificate;

    private final Plcs plcs = new Plcs();

    @BeforeAll
    static void createPki() throws Exception {
        pki = TestPki.create(dir);
        controller = pki.tlsContext(pki.controller("plc-a"));
        gateway = pki.tlsContext(pki.gateway("gateway-1", "gateway"));
        IssuedCertificate foreign = pki.foreignOperator("mallory", "gateway");
        unknownCa = TlsContexts.create(
                Keystores.loadIdentity(foreign.keyStore(), TestPki.KEYSTORE_PASSWORD), pki.verifier());
        noCertificate = SSLContext.getInstance("TLS");
        noCertificate.init(null, new TrustManager[] {new PkiTrustManager(pki.verifier())}, null);
    }

    @AfterEach
    void stop() {
        plcs.close();
    }

    private SimulatedPlc tlsController(Duration handshakeTimeout) throws IOException {
        return plcs.start(
                SimConfig.of("A", Role.STANDBY)
                        .withTls(SimConfig.Tls.of(controller))
                        .withHandshakeTimeout(handshakeTimeout),
                Plant.inMemory());
    }

    /** A TCP connection from {@code from} to the controller's Modbus port that then says nothing. */
    private Socket silent(InetAddress from, int port) throws IOException {
        return plcs.track(OtherHosts.connect(from, port));
    }

    /**
     * As many silent connections from 127.0.0.2 as the controller has authenticated slots, once the
     * controller has refused those beyond the address's share of pending slots.
     */
    private List<Socket> silentFromOneAddress(SimulatedPlc plc) throws IOException {
        InetAddress attacker = OtherHosts.address(2);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < ModbusServer.MAX_CONNECTIONS; i++) {
            held.add(silent(attacker, plc.modbusPort()));
        }
        int beyondShare = ModbusServer.MAX_CONNECTIONS - Admission.Limits.MAX_PENDING_PER_SOURCE;
        await().atMost(BOUND).until(() -> counter(plc, "refused") == beyondShare);
        return held;
    }

    private static Map<String, String> status(SimulatedPlc plc) throws IOException {
        return ControlClient.status("127.0.0.1", plc.controlPort(), BOUND);
    }

    private static long counter(SimulatedPlc plc, String name) throws IOException {
        return Long.parseLong(status(plc).get(name));
    }

    /** The gateway connects, completes its handshake and reads {@code ROLE}; returns how long that took. */
    private Duration gatewayReads(SimulatedPlc plc) throws Exception {
        long start = System.nanoTime();
        try (ModbusTestClient client = ModbusTestClient.connectTls(plc.modbusPort(), gateway)) {
            assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Whether {@code socket} has been closed by the controller: end of stream or a reset. */
    private static boolean closedByPeer(Socket socket) {
        try {
            socket.setSoTimeout(1);
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void silentConnectionsFromOneAddressGetItsShareOfSlotsAndTheGatewayStillConnectsAtOnce() throws Exception {
        SimulatedPlc plc = tlsController(NO_DEADLINE);
        List<Socket> held = silentFromOneAddress(plc);
        int beyondShare = ModbusServer.MAX_CONNECTIONS - Admission.Limits.MAX_PENDING_PER_SOURCE;
        // Refused means closed at once, not parked until a deadline.
        await().atMost(BOUND)
                .until(() ->
                        held.stream().filter(ModbusAdmissionIT::closedByPeer).count() == beyondShare);

        assertThat(gatewayReads(plc)).as("connect, handshake and read").isLessThan(BOUND);
        assertThat(status(plc))
                .containsEntry("refused", String.valueOf(beyondShare))
                .containsEntry("evicted", "0")
                .containsEntry("handshakeTimedOut", "0");
    }

    @Test
    void silentConnectionsFromManyAddressesFillEveryPendingSlotYetTheGatewayGetsOne() throws Exception {
        SimulatedPlc plc = tlsController(NO_DEADLINE);
        int addresses = Admission.Limits.MAX_PENDING / Admission.Limits.MAX_PENDING_PER_SOURCE;
        for (int a = 0; a < addresses; a++) {
            InetAddress attacker = OtherHosts.address(2 + a);
            for (int i = 0; i < Admission.Limits.MAX_PENDING_PER_SOURCE; i++) {
                silent(attacker, plc.modbusPort());
            }
        }
        // Every pending slot taken (none refused), then one more address: nothing is left for it.
        silent(OtherHosts.address(2 + addresses), plc.modbusPort());
        await().atMost(BOUND).until(() -> counter(plc, "evicted") == 1);
        assertThat(counter(plc, "refused")).isZero();

        // The gateway's poll and control connections, at once: each evicts an attacker's oldest.
        try (ModbusTestClient poll = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), gateway));
                ModbusTestClient control = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), gateway))) {
            assertThat(poll.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
            assertThat(control.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
        }
        assertThat(counter(plc, "evicted")).isEqualTo(3);
    }

    @Test
    void anEstablishedConnectionIsNeverTouchedByUnauthenticatedOnes() throws Exception {
        // Long enough for a first handshake in a cold JVM, short enough to see the silent ones go.
        SimulatedPlc plc = tlsController(Duration.ofSeconds(1));
        try (ModbusTestClient established = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), gateway))) {
            List<Socket> held = new ArrayList<>();
            for (int a = 0; a < 5; a++) {
                InetAddress attacker = OtherHosts.address(2 + a);
                for (int i = 0; i < Admission.Limits.MAX_PENDING_PER_SOURCE + 1; i++) {
                    held.add(silent(attacker, plc.modbusPort()));
                }
            }
            // Refused, evicted or timed out: every one of them closed by the controller.
            await().atMost(BOUND).until(() -> held.stream().allMatch(ModbusAdmissionIT::closedByPeer));
            assertThat(counter(plc, "handshakeTimedOut")).isPositive();

            assertThat(established.read(RegisterMap.ROLE))
                    .as("read after the deadlines closed the silent ones")
                    .isEqualTo(Role.STANDBY.code());
        }
    }

    @Test
    void failedHandshakesAreCountedAndFreeTheirSlotAtOnce() throws Exception {
        SimulatedPlc plc = tlsController(NO_DEADLINE);
        InetAddress attacker = OtherHosts.address(3);
        int rounds = Admission.Limits.MAX_PENDING_PER_SOURCE * 2;

        for (int i = 1; i <= rounds; i++) {
            assertHandshakeRefused(attacker, plc.modbusPort(), i % 2 == 0 ? unknownCa : noCertificate);
            long failed = i;
            await().atMost(BOUND).until(() -> counter(plc, "handshakeFailed") == failed);
        }

        // Had any of them kept its pending slot, the last ones would have been refused by the limit.
        assertThat(status(plc)).containsEntry("refused", "0").containsEntry("handshakeTimedOut", "0");
        assertThat(gatewayReads(plc)).isLessThan(BOUND);
    }

    /** A client of {@code context} from {@code from} cannot get a request answered. */
    private static void assertHandshakeRefused(InetAddress from, int port, SSLContext context) {
        Throwable failure = catchThrowable(() -> {
            try (Socket plain = OtherHosts.connect(from, port)) {
                plain.setSoTimeout(5000);
                SSLSocket tls = TlsContexts.layerClient(context, plain, "127.0.0.1", false);
                tls.startHandshake();
                // Under TLS 1.3 the refusal of the client certificate arrives after the client's Finished.
                tls.getOutputStream().write(new byte[] {0, 1, 0, 0, 0, 6, 1, 3, 0, 2, 0, 1});
                tls.getOutputStream().flush();
                if (tls.getInputStream().read() < 0) {
                    throw new SocketException("closed");
                }
            }
        });
        assertThat(failure).isInstanceOfAny(IOException.class, ModbusIOException.class);
    }

    @Test
    void aSilentConnectionIsClosedAtTheHandshakeDeadline() throws Exception {
        SimulatedPlc plc = tlsController(Duration.ofMillis(500));
        Socket socket = silent(OtherHosts.address(2), plc.modbusPort());
        socket.setSoTimeout((int) BOUND.toMillis());
        long start = System.nanoTime();

        assertThat(endOfStreamOrReset(socket.getInputStream())).isTrue();

        Duration open = Duration.ofNanos(System.nanoTime() - start);
        assertThat(open).as("closed at the deadline, not at once").isGreaterThan(Duration.ofMillis(400));
        await().atMost(BOUND).until(() -> counter(plc, "handshakeTimedOut") == 1);
        assertThat(counter(plc, "handshakeFailed"))
                .as("the deadline's close is not also a failed handshake")
                .isZero();
    }

    @Test
    void theDeadlineBoundsTheWholeHandshakeNotEachRead() throws Exception {
        // A client that sends a byte of its ClientHello every 100 ms never lets a 500 ms read time out.
        SimulatedPlc plc = tlsController(Duration.ofMillis(500));
        Socket socket = silent(OtherHosts.address(2), plc.modbusPort());
        socket.setSoTimeout((int) BOUND.toMillis());
        OutputStream out = socket.getOutputStream();
        byte[] hello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        int[] sent = {0};
        try {
            drip.scheduleAtFixedRate(
                    () -> {
                        try {
                            out.write(hello[sent[0]++ % hello.length]);
                            out.flush();
                        } catch (IOException e) {
                            throw new IllegalStateException("the controller closed the connection", e);
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);

            assertThat(endOfStreamOrReset(socket.getInputStream())).isTrue();
        } finally {
            drip.shutdownNow();
        }
        await().atMost(BOUND).until(() -> counter(plc, "handshakeTimedOut") == 1);
    }

    /** Reads until the controller ends the connection; false if it sent anything first. */
    private static boolean endOfStreamOrReset(InputStream in) {
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the connection was still open after " + BOUND, e);
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void anAuthenticatedClientFindingEveryAuthenticatedSlotTakenIsRefusedAndCounted() throws Exception {
        SimulatedPlc plc = tlsController(NO_DEADLINE);
        List<ModbusTestClient> established = new ArrayList<>();
        for (int i = 0; i < ModbusServer.MAX_CONNECTIONS; i++) {
            ModbusTestClient client = plcs.track(ModbusTestClient.connectTls(plc.modbusPort(), gateway));
            client.read(RegisterMap.ROLE);
            established.add(client);
        }

        Throwable refused = catchThrowable(() -> {
            try (ModbusTestClient extra = ModbusTestClient.connectTls(plc.modbusPort(), gateway)) {
                extra.read(RegisterMap.ROLE);
            }
        });

        assertThat(refused).isInstanceOfAny(IOException.class, ModbusIOException.class);
        assertThat(counter(plc, "refused")).isEqualTo(1);
        established.remove(0).close();
        await().atMost(BOUND).untilAsserted(() -> assertThat(gatewayReads(plc)).isLessThan(BOUND));
    }

    @Test
    void plainModbusTcpLimitsAndClosesConnectionsThatSendNothingButNotAnIdleMaster() throws Exception {
        SimulatedPlc plc = plcs.start("A", Role.STANDBY, Plant.inMemory());
        List<Socket> held = silentFromOneAddress(plc);
        int beyondShare = ModbusServer.MAX_CONNECTIONS - Admission.Limits.MAX_PENDING_PER_SOURCE;

        try (ModbusTestClient master = plcs.track(ModbusTestClient.connect(plc.modbusPort()))) {
            assertThat(master.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());

            await().atMost(ModbusServer.FIRST_REQUEST_TIMEOUT.plus(BOUND))
                    .until(() -> held.stream().allMatch(ModbusAdmissionIT::closedByPeer));
            assertThat(status(plc))
                    .containsEntry("refused", String.valueOf(beyondShare))
                    .containsEntry("handshakeTimedOut", String.valueOf(Admission.Limits.MAX_PENDING_PER_SOURCE));

            assertThat(master.read(RegisterMap.ROLE))
                    .as("a master idle as long after its first request keeps its connection")
                    .isEqualTo(Role.STANDBY.code());
        }
    }
}
