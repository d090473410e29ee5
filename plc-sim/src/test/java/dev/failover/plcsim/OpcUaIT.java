package dev.failover.plcsim;

import static dev.failover.plcsim.OpcUaFixture.node;
import static dev.failover.plcsim.OpcUaFixture.readUInt16;
import static dev.failover.plcsim.OpcUaFixture.statusOf;
import static dev.failover.plcsim.OpcUaFixture.write;
import static dev.failover.plcsim.OpcUaFixture.writeRoleCommand;
import static dev.failover.plcsim.OpcUaFixture.writeUInt16s;
import static dev.failover.plcsim.OpcUaFixture.x509;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.Identity;
import dev.failover.certs.TestPki;
import dev.failover.plcsim.opcua.PlcOpcUaServer;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.SignedIdentityToken;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.AnonymousIdentityToken;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.SignatureData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's OPC UA server with a real Milo client over 127.0.0.1: SignAndEncrypt, X.509 user
 * tokens with the plant PKI made at test time, writes only by the gateway role, the same register
 * bank as Modbus. One controller serves every test (a server start is cheap, a client connect is
 * ~0.5 s: tests only open clients).
 */
@Timeout(30)
class OpcUaIT {

    @TempDir
    static Path dir;

    private static OpcUaFixture ua;
    private static final Plcs plcs = new Plcs();
    private static final Plant plant = Plant.inMemory();
    private static SimulatedPlc plc;

    @BeforeAll
    static void start() throws Exception {
        ua = OpcUaFixture.create(dir);
        plc = plcs.start(SimConfig.of("A", Role.ACTIVE).withOpcUa(ua.serverConfig()), plant);
    }

    @AfterAll
    static void stop() {
        plcs.close();
    }

    private static OpcUaClient connect(Identity app, IdentityProvider user, SecurityPolicy policy) throws Exception {
        return ua.connect(plc.opcUaPort().getAsInt(), app, user, policy, transport -> {}, config -> {});
    }

    private static OpcUaClient connect(Identity user) throws Exception {
        return connect(ua.clientApp, x509(user), SecurityPolicy.Basic256Sha256);
    }

    private static int modbusRead(int address) throws Exception {
        try (ModbusTestClient modbus = ModbusTestClient.connect(plc.modbusPort())) {
            return modbus.read(address);
        }
    }

    @Test
    void aGatewayUserReadsTheHeartbeatAdvancingAndTheIdentity() throws Exception {
        try (var closer = new OpcUaFixture.Disconnecting(connect(ua.gatewayUser))) {
            OpcUaClient client = closer.client();
            NodeId heartbeat = node(client, "Status/HEARTBEAT");
            int first = readUInt16(client, heartbeat);
            await().atMost(Duration.ofSeconds(2)).until(() -> readUInt16(client, heartbeat) != first);

            DataValue name = client.readValue(0, TimestampsToReturn.Both, node(client, "Identity/NAME"));
            assertThat(name.value().value()).isEqualTo("A");
            DataValue hash = client.readValue(0, TimestampsToReturn.Both, node(client, "Identity/CONFIG_HASH"));
            assertThat(((ByteString) hash.value().value()).length()).isEqualTo(32);
        }
    }

    @Test
    void partnerAgeIsAStatusVariableBesideFlags() throws Exception {
        try (var closer = new OpcUaFixture.Disconnecting(connect(ua.operatorUser))) {
            OpcUaClient client = closer.client();
            NodeId age = node(client, "Status/PARTNER_AGE_MS");
            NodeId flags = node(client, "Status/FLAGS");
            int partnerBits = RegisterMap.FLAG_PARTNER_ALIVE | RegisterMap.FLAG_PARTNER_LINK;
            await().atMost(Duration.ofSeconds(2)).until(() -> plc.snapshot().heartbeat() > 0);
            assertThat(readUInt16(client, age)).as("alone in the plant").isEqualTo(0xFFFF);
            assertThat(readUInt16(client, flags) & partnerBits).isZero();

            // A partner on the same tank (left in the plant: A then sees it lost, and no test here reads that).
            try (SimulatedPlc partner = SimulatedPlc.start(SimConfig.of("B", Role.STANDBY), plant)) {
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> readUInt16(client, age) < 1000
                                && (readUInt16(client, flags) & partnerBits) == partnerBits);
            }
        }
    }

    @Test
    void everyEndpointNamesThePublicPortNotTheInternalOne() throws Exception {
        // Milo listens behind plc-sim's fault relay; clients open their session on the URL of the
        // endpoint they select, so an internal port here would take them past the faults.
        String url = "opc.tcp://127.0.0.1:" + plc.opcUaPort().getAsInt() + PlcOpcUaServer.PATH;

        List<EndpointDescription> endpoints = DiscoveryClient.getEndpoints(url).get(10, TimeUnit.SECONDS);

        assertThat(endpoints)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getEndpointUrl()).isEqualTo(url));
    }

    @Test
    void aGatewayWritesTheLevelSetpointAndModbusSeesIt() throws Exception {
        try (var closer = new OpcUaFixture.Disconnecting(connect(ua.gatewayUser))) {
            OpcUaClient client = closer.client();
            NodeId levelSp = node(client, "Setpoints/LEVEL_SP");

            assertThat(write(client, levelSp, 6123)).isEqualTo(StatusCode.GOOD);

            assertThat(readUInt16(client, levelSp)).isEqualTo(6123);
            assertThat(modbusRead(RegisterMap.LEVEL_SP)).isEqualTo(6123);
        }
    }

    @Test
    void anOutOfRangeSetpointIsRefusedAndNothingIsWritten() throws Exception {
        try (var closer = new OpcUaFixture.Disconnecting(connect(ua.gatewayUser))) {
            OpcUaClient client = closer.client();
            NodeId valveSp = node(client, "Setpoints/VALVE_SP");
            int before = readUInt16(client, valveSp);

            assertThat(write(client, valveSp, 10001).value()).isEqualTo(StatusCodes.Bad_OutOfRange);

            assertThat(modbusRead(RegisterMap.VALVE_SP)).isEqualTo(before);
        }
    }

    @Test
    void anOperatorMayReadButNotWrite() throws Exception {
        try (var closer = new OpcUaFixture.Disconnecting(connect(ua.operatorUser))) {
            OpcUaClient client = closer.client();
            NodeId levelSp = node(client, "Setpoints/LEVEL_SP");
            int before = readUInt16(client, levelSp);
            int role = modbusRead(RegisterMap.ROLE);
            Role other = role == Role.ACTIVE.code() ? Role.STANDBY : Role.ACTIVE;

            assertThat(write(client, levelSp, 7777).value()).isEqualTo(StatusCodes.Bad_UserAccessDenied);
            assertThat(write(client, node(client, "Status/ROLE"), other.code()).value())
                    .isEqualTo(StatusCodes.Bad_UserAccessDenied);
            assertThat(writeRoleCommand(client, System.currentTimeMillis() + 60_000, other)
                            .value())
                    .isEqualTo(StatusCodes.Bad_UserAccessDenied);

            assertThat(readUInt16(client, levelSp)).isEqualTo(before);
            assertThat(modbusRead(RegisterMap.LEVEL_SP)).isEqualTo(before);
            assertThat(modbusRead(RegisterMap.ROLE)).isEqualTo(role);
        }
    }

    @Test
    void aRoleCommandWithAFutureDeadlineIsAppliedAndAStaleOneRefused() throws Exception {
        try (var closer = new OpcUaFixture.Disconnecting(connect(ua.gatewayUser))) {
            OpcUaClient client = closer.client();
            NodeId role = node(client, "Status/ROLE");

            assertThat(writeRoleCommand(client, System.currentTimeMillis() + 60_000, Role.ACTIVE))
                    .isEqualTo(StatusCode.GOOD);
            assertThat(readUInt16(client, role)).isEqualTo(Role.ACTIVE.code());
            int changes = modbusRead(RegisterMap.ROLE_CHANGES);

            assertThat(writeRoleCommand(client, System.currentTimeMillis() - 1_000, Role.STANDBY)
                            .value())
                    .as("deadline passed a second ago")
                    .isEqualTo(StatusCodes.Bad_OutOfRange);

            assertThat(readUInt16(client, role)).isEqualTo(Role.ACTIVE.code());
            assertThat(modbusRead(RegisterMap.ROLE_CHANGES)).isEqualTo(changes);
        }
    }

    @Test
    void theRoleCommandNodeTakesFiveUInt16sInOneWriteAndReadsZeros() throws Exception {
        try (var closer = new OpcUaFixture.Disconnecting(connect(ua.gatewayUser))) {
            OpcUaClient client = closer.client();
            NodeId command = node(client, "Status/RoleCommand");
            int role = modbusRead(RegisterMap.ROLE);

            assertThat(writeUInt16s(client, command, 0, 0, 0xFFFF, Role.STANDBY.code())
                            .value())
                    .as("four elements: a partial block")
                    .isEqualTo(StatusCodes.Bad_TypeMismatch);
            assertThat(write(client, command, Role.STANDBY.code()).value())
                    .as("a scalar")
                    .isEqualTo(StatusCodes.Bad_TypeMismatch);
            assertThat(modbusRead(RegisterMap.ROLE)).isEqualTo(role);

            DataValue read = client.readValue(0, TimestampsToReturn.Both, command);
            assertThat((Object[]) read.value().value())
                    .containsExactly(ushort(0), ushort(0), ushort(0), ushort(0), ushort(0));
        }
    }

    @Test
    void aesPssWorksToo() throws Exception {
        try (var closer = new OpcUaFixture.Disconnecting(
                connect(ua.clientApp, x509(ua.gatewayUser), SecurityPolicy.Aes256_Sha256_RsaPss))) {
            assertThat(readUInt16(closer.client(), node(closer.client(), "Status/STATUS")))
                    .isEqualTo(Status.RUN.code());
        }
    }

    @Test
    void anonymousIsRefused() {
        IdentityProvider anonymous = (endpoint, nonce) ->
                new SignedIdentityToken(new AnonymousIdentityToken("anonymous"), new SignatureData(null, null));

        Throwable refused = catchThrowable(() -> connect(ua.clientApp, anonymous, SecurityPolicy.Basic256Sha256));

        assertThat(statusOf(refused))
                .hasValueSatisfying(code -> assertThat(code)
                        .isIn(StatusCodes.Bad_IdentityTokenInvalid, StatusCodes.Bad_IdentityTokenRejected));
    }

    @Test
    void aUserCertificateOfAnotherCaIsRefused() throws Exception {
        Identity foreignUser = ua.identity(ua.pki
                .foreignPki()
                .issue(OpcUaFixture.rsaUser(CertificateKind.GATEWAY, "mallory", "gateway"), TestPki.KEYSTORE_PASSWORD));

        Throwable refused =
                catchThrowable(() -> connect(ua.clientApp, x509(foreignUser), SecurityPolicy.Basic256Sha256));

        assertThat(statusOf(refused))
                .hasValueSatisfying(code -> assertThat(code)
                        .isIn(StatusCodes.Bad_IdentityTokenRejected, StatusCodes.Bad_IdentityTokenInvalid));
    }

    @Test
    void anUntrustedClientApplicationCertificateIsRefused() {
        Throwable refused =
                catchThrowable(() -> connect(ua.foreignApp, x509(ua.gatewayUser), SecurityPolicy.Basic256Sha256));

        assertThat(statusOf(refused))
                .hasValueSatisfying(code -> assertThat(code)
                        .isIn(StatusCodes.Bad_SecurityChecksFailed, StatusCodes.Bad_CertificateUntrusted));
    }

    @Test
    void aCrashClosesTheOpcUaServerAndClearReopensItOnTheSamePort() throws Exception {
        int port = plc.opcUaPort().getAsInt();
        try {
            plc.faults().crash();

            assertThat(catchThrowable(() -> new Socket("127.0.0.1", port).close()))
                    .isInstanceOf(ConnectException.class);
        } finally {
            plc.faults().clear();
        }
        assertThat(plc.opcUaPort()).hasValue(port);
        try (var closer = new OpcUaFixture.Disconnecting(connect(ua.gatewayUser))) {
            await().atMost(Duration.ofSeconds(2))
                    .until(() ->
                            readUInt16(closer.client(), node(closer.client(), "Status/STATUS")) == Status.RUN.code());
        }
    }
}
