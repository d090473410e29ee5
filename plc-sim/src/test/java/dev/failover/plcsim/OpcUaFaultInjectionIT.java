package dev.failover.plcsim;

import static dev.failover.plcsim.OpcUaFixture.node;
import static dev.failover.plcsim.OpcUaFixture.readUInt16;
import static dev.failover.plcsim.OpcUaFixture.statusOf;
import static dev.failover.plcsim.OpcUaFixture.x509;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import dev.failover.plcsim.OpcUaFixture.Disconnecting;
import dev.failover.plcsim.opcua.PlcOpcUaServer;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each fault of docs/plc-sim.md as a Milo OPC UA client sees it, and its clearing: the comms faults
 * act on the OPC UA server as on Modbus ({@link FaultInjectionIT}), the controller faults show
 * through the shared register bank. One controller serves every test (faults are cleared after
 * each); each test opens its own client, since drop closes every connection.
 */
@Timeout(30)
class OpcUaFaultInjectionIT {

    /** Long enough for an answer over loopback, short enough that waiting for none is cheap. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    static Path dir;

    private static OpcUaFixture ua;
    private static final Plcs plcs = new Plcs();
    private static SimulatedPlc plc;
    private static FaultInjector faults;

    @BeforeAll
    static void start() throws Exception {
        ua = OpcUaFixture.create(dir);
        // Raw connections here send a Hello at most, and stay unauthenticated while a fault runs: a
        // handshake timeout beyond any test keeps the admission out of what these tests watch.
        plc = plcs.start(
                SimConfig.of("A", Role.ACTIVE).withOpcUa(ua.serverConfig(Duration.ofSeconds(60))), Plant.inMemory());
        faults = plc.faults();
        await().atMost(Duration.ofSeconds(5)).until(() -> plc.snapshot().driving());
    }

    @AfterEach
    void clear() {
        faults.clear();
    }

    @AfterAll
    static void stop() {
        plcs.close();
    }

    private static int port() {
        return plc.opcUaPort().getAsInt();
    }

    private static OpcUaClient connect() throws Exception {
        // Milo's default of 5 s would also hold up disconnecting a client that reconnects into a drop.
        return connect(Duration.ofSeconds(1));
    }

    /** A client whose transport gives up after {@code acknowledgeTimeout} without an answer to its Hello. */
    private static OpcUaClient connect(Duration acknowledgeTimeout) throws Exception {
        return ua.connect(
                port(),
                ua.clientApp,
                x509(ua.gatewayUser),
                SecurityPolicy.Basic256Sha256,
                transport -> transport.setAcknowledgeTimeout(uint(acknowledgeTimeout.toMillis())),
                // The session keep-alive is a read every 5 s by default: it must not be the request
                // `lose` leaves unanswered, nor turn a hang into a reconnect in the middle of a test.
                config -> config.setKeepAliveInterval(uint(60_000)));
    }

    /** Reads {@code node} with a request timeout of {@code timeout}; throws Bad_Timeout if unanswered. */
    private static int readWithin(OpcUaClient client, NodeId node, Duration timeout) throws UaException {
        RequestHeader header =
                client.newRequestHeader(client.getSession().getAuthenticationToken(), uint(timeout.toMillis()));
        ReadValueId value = new ReadValueId(node, AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE);
        ReadResponse response = (ReadResponse)
                client.sendRequest(new ReadRequest(header, 0.0, TimestampsToReturn.Neither, new ReadValueId[] {value}));
        return ((UShort) response.getResults()[0].value().value()).intValue();
    }

    private static Duration timed(ThrowingRunnable action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** An OPC UA TCP Hello (OPC 10000-6, 7.1.2.3): a connection's first message, answered by ACK. */
    private static byte[] hello() {
        byte[] url = ("opc.tcp://127.0.0.1:" + port() + PlcOpcUaServer.PATH).getBytes(StandardCharsets.UTF_8);
        int size = 32 + url.length;
        return ByteBuffer.allocate(size)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put("HELF".getBytes(StandardCharsets.US_ASCII))
                .putInt(size)
                .putInt(0) // protocol version
                .putInt(65535) // receive buffer size
                .putInt(65535) // send buffer size
                .putInt(0) // max message size: no limit
                .putInt(0) // max chunk count: no limit
                .putInt(url.length)
                .put(url)
                .array();
    }

    private static String messageType(Socket socket) throws IOException {
        return new String(socket.getInputStream().readNBytes(3), StandardCharsets.US_ASCII);
    }

    @Test
    void hangAnswersNothingExecutesNothingAndClearAnswersAgain() throws Exception {
        try (var closer = new Disconnecting(connect());
                Socket raw = new Socket("127.0.0.1", port())) {
            OpcUaClient client = closer.client();
            NodeId status = node(client, "Status/STATUS");
            NodeId levelSp = node(client, "Setpoints/LEVEL_SP");
            int setpoint = readUInt16(client, levelSp);

            faults.hang();

            assertThat(statusOf(catchThrowable(() -> readWithin(client, status, SHORT_TIMEOUT))))
                    .hasValue(StatusCodes.Bad_Timeout);
            var write = client.writeValuesAsync(
                    List.of(levelSp), List.of(new DataValue(new Variant(Unsigned.ushort(setpoint + 1)))));
            assertThat(write).failsWithin(SHORT_TIMEOUT);
            // A new connection is accepted, but not even its Hello is answered.
            raw.getOutputStream().write(hello());
            raw.setSoTimeout((int) SHORT_TIMEOUT.toMillis());
            assertThatThrownBy(() -> raw.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(plc.snapshot().faults()).containsExactly("hang");

            faults.clear();

            assertThat(readWithin(client, status, Duration.ofSeconds(2))).isEqualTo(Status.RUN.code());
            assertThat(readUInt16(client, levelSp))
                    .as("a write sent during the hang never takes effect, as on Modbus")
                    .isEqualTo(setpoint);
            raw.setSoTimeout(2000);
            assertThat(messageType(raw)).as("the held Acknowledge").isEqualTo("ACK");
        }
    }

    @Test
    void dropLosesTheSessionAndRefusesReconnectsUntilClear() throws Exception {
        try (var closer = new Disconnecting(connect())) {
            OpcUaClient client = closer.client();
            NodeId status = node(client, "Status/STATUS");
            CountDownLatch inactive = new CountDownLatch(1);
            client.addSessionActivityListener(new SessionActivityListener() {
                @Override
                public void onSessionInactive(UaSession session) {
                    inactive.countDown();
                }
            });

            faults.drop();

            assertThat(inactive.await(5, TimeUnit.SECONDS)).as("session lost").isTrue();
            assertThat(client.readValuesAsync(0, TimestampsToReturn.Neither, List.of(status)))
                    .failsWithin(SHORT_TIMEOUT);
            try (Socket raw = new Socket("127.0.0.1", port())) {
                raw.setSoTimeout(2000);
                assertThat(raw.getInputStream().read())
                        .as("accepted, then closed")
                        .isEqualTo(-1);
            }
            // Milo's client waits for the Acknowledge of a closed connection until its timeout.
            assertThat(statusOf(catchThrowable(() -> connect(SHORT_TIMEOUT))))
                    .as("a new client cannot connect")
                    .isPresent();

            faults.clear();

            await().atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> readWithin(client, status, SHORT_TIMEOUT) == Status.RUN.code());
        }
    }

    @Test
    void dropOnceClosesOpenConnectionsAndTheClientReconnects() throws Exception {
        try (var closer = new Disconnecting(connect())) {
            OpcUaClient client = closer.client();
            NodeId status = node(client, "Status/STATUS");
            CountDownLatch inactive = new CountDownLatch(1);
            client.addSessionActivityListener(new SessionActivityListener() {
                @Override
                public void onSessionInactive(UaSession session) {
                    inactive.countDown();
                }
            });

            faults.dropOnce();

            assertThat(inactive.await(5, TimeUnit.SECONDS)).as("session lost").isTrue();
            assertThat(plc.snapshot().faults()).isEmpty();
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> readWithin(client, status, SHORT_TIMEOUT) == Status.RUN.code());
        }
    }

    @Test
    void slowDelaysEveryResponse() throws Exception {
        try (var closer = new Disconnecting(connect())) {
            OpcUaClient client = closer.client();
            NodeId heartbeat = node(client, "Status/HEARTBEAT");

            faults.slow(Duration.ofMillis(200));

            for (int i = 0; i < 2; i++) {
                assertThat(timed(() -> readUInt16(client, heartbeat))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            }
            assertThat(plc.snapshot().faults()).containsExactly("slow:200");

            faults.clear();

            assertThat(timed(() -> readUInt16(client, heartbeat))).isLessThan(Duration.ofMillis(200));
        }
    }

    @Test
    void loseLeavesTheNextRequestUnansweredAndAnswersTheOneAfter() throws Exception {
        try (var closer = new Disconnecting(connect())) {
            OpcUaClient client = closer.client();
            NodeId status = node(client, "Status/STATUS");

            faults.lose(1);

            assertThat(statusOf(catchThrowable(() -> readWithin(client, status, SHORT_TIMEOUT))))
                    .hasValue(StatusCodes.Bad_Timeout);
            assertThat(plc.snapshot().faults()).isEmpty();
            assertThat(readWithin(client, status, SHORT_TIMEOUT))
                    .as("transient: the secure channel is intact")
                    .isEqualTo(Status.RUN.code());
        }
    }

    @Test
    void stallHoldsAnswersThenAnswersWhatQueued() throws Exception {
        try (var closer = new Disconnecting(connect())) {
            OpcUaClient client = closer.client();
            NodeId status = node(client, "Status/STATUS");

            faults.stall(Duration.ofMillis(500));

            assertThat(timed(() -> assertThat(readUInt16(client, status)).isEqualTo(Status.RUN.code())))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(400));
            // Transient: the next request is answered at once.
            assertThat(timed(() -> readUInt16(client, status))).isLessThan(Duration.ofMillis(200));
            assertThat(plc.snapshot().faults()).isEmpty();
        }
    }

    @Test
    void freezeHeartbeatStopsTheHeartbeatOverOpcUa() throws Exception {
        try (var closer = new Disconnecting(connect())) {
            OpcUaClient client = closer.client();
            NodeId heartbeat = node(client, "Status/HEARTBEAT");

            faults.freezeHeartbeat();
            int frozen = readUInt16(client, heartbeat);

            await().during(Duration.ofMillis(200))
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> readUInt16(client, heartbeat) == frozen);
            assertThat(readUInt16(client, node(client, "Status/STATUS"))).isEqualTo(Status.RUN.code());

            faults.clear();

            await().atMost(Duration.ofSeconds(1)).until(() -> readUInt16(client, heartbeat) != frozen);
        }
    }

    @Test
    void faultShowsAsStatusFaultOverOpcUa() throws Exception {
        try (var closer = new Disconnecting(connect())) {
            OpcUaClient client = closer.client();
            NodeId status = node(client, "Status/STATUS");

            faults.fault();

            assertThat(readUInt16(client, status))
                    .isEqualTo(Status.FAULT.code())
                    .isEqualTo(3);
            assertThat(readUInt16(client, node(client, "Status/FAULT_CODE"))).isEqualTo(1);

            faults.clear();

            await().atMost(Duration.ofSeconds(1)).until(() -> readUInt16(client, status) == Status.RUN.code());
        }
    }

    @Test
    void corruptShowsGarbageProcessValuesOverOpcUa() throws Exception {
        try (var closer = new Disconnecting(connect())) {
            OpcUaClient client = closer.client();

            faults.corrupt();

            for (String process : List.of("LEVEL", "PUMP", "VALVE", "INFLOW")) {
                assertThat(readUInt16(client, node(client, "Process/" + process)))
                        .as(process)
                        .isGreaterThanOrEqualTo(RegisterMap.GARBAGE_MIN);
            }
            assertThat(readUInt16(client, node(client, "Setpoints/LEVEL_SP")))
                    .as("setpoints stay intact")
                    .isLessThanOrEqualTo(10000);

            faults.clear();

            assertThat(readUInt16(client, node(client, "Process/LEVEL"))).isBetween(0, 10000);
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
