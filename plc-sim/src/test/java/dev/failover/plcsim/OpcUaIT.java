package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.Identity;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.KeyAlgorithm;
import dev.failover.certs.Keystores;
import dev.failover.certs.Pki;
import dev.failover.certs.TestPki;
import dev.failover.plcsim.opcua.PlcOpcUaServer;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.SignedIdentityToken;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.AnonymousIdentityToken;
import org.eclipse.milo.opcua.stack.core.types.structured.SignatureData;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;
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

    private static final String NAMESPACE = "urn:dev.failover:plc-sim";

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static Identity clientApp;
    private static Identity gatewayUser;
    private static Identity operatorUser;
    private static Identity foreignApp;
    private static List<X509CRL> crls;
    private static final Plcs plcs = new Plcs();
    private static SimulatedPlc plc;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        Pki plant = pki.pki();
        Identity serverApp = identity(plant.issue(
                CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, "plc-a-ua")
                        .uri("urn:test:plc-sim:A")
                        .ipAddress("127.0.0.1")
                        .dnsName("localhost")
                        .build(),
                TestPki.KEYSTORE_PASSWORD));
        clientApp = identity(plant.issue(
                CertificateRequest.opcuaApplication("scada-ua", "urn:test:scada"), TestPki.KEYSTORE_PASSWORD));
        gatewayUser = identity(plant.issue(
                CertificateRequest.builder(CertificateKind.GATEWAY, "gw-user")
                        .role("gateway")
                        .keyAlgorithm(KeyAlgorithm.RSA_2048)
                        .build(),
                TestPki.KEYSTORE_PASSWORD));
        operatorUser = identity(plant.issue(
                CertificateRequest.builder(CertificateKind.OPERATOR, "op-user")
                        .role("operator")
                        .keyAlgorithm(KeyAlgorithm.RSA_2048)
                        .build(),
                TestPki.KEYSTORE_PASSWORD));
        foreignApp = identity(pki.foreignPki()
                .issue(CertificateRequest.opcuaApplication("rogue-ua", "urn:test:rogue"), TestPki.KEYSTORE_PASSWORD));
        crls = Keystores.readCrls(pki.crlFile());
        SimConfig config =
                SimConfig.of("A", Role.ACTIVE).withOpcUa(new SimConfig.OpcUa(0, serverApp, pki.verifier(), crls));
        plc = plcs.start(config, Plant.inMemory());
    }

    @AfterAll
    static void stop() {
        plcs.close();
    }

    private static Identity identity(IssuedCertificate certificate) throws Exception {
        return pki.identity(certificate);
    }

    private static OpcUaClient connect(Identity app, IdentityProvider user, SecurityPolicy policy) throws Exception {
        MemoryTrustListManager trust = new MemoryTrustListManager();
        trust.setTrustedCertificates(List.of(pki.pki().root()));
        trust.setIssuerCertificates(List.of(pki.pki().issuingCa()));
        trust.setTrustedCrls(crls);
        DefaultClientCertificateValidator validator = new DefaultClientCertificateValidator(
                trust, ValidationCheck.ALL_OPTIONAL_CHECKS, new MemoryCertificateQuarantine());
        String applicationUri = CertificateUtil.getSanUri(app.certificate()).orElseThrow();
        String url = "opc.tcp://127.0.0.1:" + plc.opcUaPort().getAsInt() + PlcOpcUaServer.PATH;
        OpcUaClient client = OpcUaClient.create(
                url,
                endpoints -> endpoints.stream()
                        .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()))
                        .filter(e -> e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt)
                        .findFirst(),
                transport -> {},
                builder -> builder.setApplicationUri(applicationUri)
                        .setKeyPair(new KeyPair(app.certificate().getPublicKey(), app.privateKey()))
                        .setCertificate(app.certificate())
                        .setCertificateChain(app.chain().toArray(X509Certificate[]::new))
                        .setCertificateValidator(validator)
                        .setIdentityProvider(user));
        try {
            client.connect();
        } catch (UaException | RuntimeException e) {
            client.disconnect();
            throw e;
        }
        return client;
    }

    private static OpcUaClient connect(Identity user) throws Exception {
        return connect(clientApp, x509(user), SecurityPolicy.Basic256Sha256);
    }

    private static X509IdentityProvider x509(Identity user) {
        return new X509IdentityProvider(user.certificate(), user.privateKey());
    }

    private static NodeId node(OpcUaClient client, String id) throws UaException {
        int index = client.readNamespaceTable().getIndex(NAMESPACE).intValue();
        return new NodeId(index, id);
    }

    private static int readUInt16(OpcUaClient client, NodeId node) throws UaException {
        DataValue value = client.readValue(0, TimestampsToReturn.Both, node);
        assertThat(value.statusCode().isGood())
                .as("status of %s: %s", node, value.statusCode())
                .isTrue();
        return ((UShort) value.value().value()).intValue();
    }

    private static StatusCode write(OpcUaClient client, NodeId node, int value) throws UaException {
        return client.writeValues(List.of(node), List.of(new DataValue(new Variant(Unsigned.ushort(value)))))
                .get(0);
    }

    private static int modbusRead(int address) throws Exception {
        try (ModbusTestClient modbus = ModbusTestClient.connect(plc.modbusPort())) {
            return modbus.read(address);
        }
    }

    @Test
    void aGatewayUserReadsTheHeartbeatAdvancingAndTheIdentity() throws Exception {
        try (var closer = new Disconnecting(connect(gatewayUser))) {
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
    void aGatewayWritesTheLevelSetpointAndModbusSeesIt() throws Exception {
        try (var closer = new Disconnecting(connect(gatewayUser))) {
            OpcUaClient client = closer.client();
            NodeId levelSp = node(client, "Setpoints/LEVEL_SP");

            assertThat(write(client, levelSp, 6123)).isEqualTo(StatusCode.GOOD);

            assertThat(readUInt16(client, levelSp)).isEqualTo(6123);
            assertThat(modbusRead(RegisterMap.LEVEL_SP)).isEqualTo(6123);
        }
    }

    @Test
    void anOutOfRangeSetpointIsRefusedAndNothingIsWritten() throws Exception {
        try (var closer = new Disconnecting(connect(gatewayUser))) {
            OpcUaClient client = closer.client();
            NodeId valveSp = node(client, "Setpoints/VALVE_SP");
            int before = readUInt16(client, valveSp);

            assertThat(write(client, valveSp, 10001).value()).isEqualTo(StatusCodes.Bad_OutOfRange);

            assertThat(modbusRead(RegisterMap.VALVE_SP)).isEqualTo(before);
        }
    }

    @Test
    void anOperatorMayReadButNotWrite() throws Exception {
        try (var closer = new Disconnecting(connect(operatorUser))) {
            OpcUaClient client = closer.client();
            NodeId levelSp = node(client, "Setpoints/LEVEL_SP");
            int before = readUInt16(client, levelSp);

            assertThat(write(client, levelSp, 7777).value()).isEqualTo(StatusCodes.Bad_UserAccessDenied);
            assertThat(write(client, node(client, "Status/ROLE"), Role.STANDBY.code())
                            .value())
                    .isEqualTo(StatusCodes.Bad_UserAccessDenied);

            assertThat(readUInt16(client, levelSp)).isEqualTo(before);
            assertThat(modbusRead(RegisterMap.LEVEL_SP)).isEqualTo(before);
            assertThat(modbusRead(RegisterMap.ROLE)).isEqualTo(Role.ACTIVE.code());
        }
    }

    @Test
    void aesPssWorksToo() throws Exception {
        try (var closer =
                new Disconnecting(connect(clientApp, x509(gatewayUser), SecurityPolicy.Aes256_Sha256_RsaPss))) {
            assertThat(readUInt16(closer.client(), node(closer.client(), "Status/STATUS")))
                    .isEqualTo(Status.RUN.code());
        }
    }

    @Test
    void anonymousIsRefused() {
        IdentityProvider anonymous = (endpoint, nonce) ->
                new SignedIdentityToken(new AnonymousIdentityToken("anonymous"), new SignatureData(null, null));

        Throwable refused = catchThrowable(() -> connect(clientApp, anonymous, SecurityPolicy.Basic256Sha256));

        assertThat(statusOf(refused))
                .hasValueSatisfying(code -> assertThat(code)
                        .isIn(StatusCodes.Bad_IdentityTokenInvalid, StatusCodes.Bad_IdentityTokenRejected));
    }

    @Test
    void aUserCertificateOfAnotherCaIsRefused() throws Exception {
        Identity foreignUser = identity(pki.foreignPki()
                .issue(
                        CertificateRequest.builder(CertificateKind.GATEWAY, "mallory")
                                .role("gateway")
                                .keyAlgorithm(KeyAlgorithm.RSA_2048)
                                .build(),
                        TestPki.KEYSTORE_PASSWORD));

        Throwable refused = catchThrowable(() -> connect(clientApp, x509(foreignUser), SecurityPolicy.Basic256Sha256));

        assertThat(statusOf(refused))
                .hasValueSatisfying(code -> assertThat(code)
                        .isIn(StatusCodes.Bad_IdentityTokenRejected, StatusCodes.Bad_IdentityTokenInvalid));
    }

    @Test
    void anUntrustedClientApplicationCertificateIsRefused() {
        Throwable refused = catchThrowable(() -> connect(foreignApp, x509(gatewayUser), SecurityPolicy.Basic256Sha256));

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
        try (var closer = new Disconnecting(connect(gatewayUser))) {
            await().atMost(Duration.ofSeconds(2))
                    .until(() ->
                            readUInt16(closer.client(), node(closer.client(), "Status/STATUS")) == Status.RUN.code());
        }
    }

    private static Optional<Long> statusOf(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof UaException ua) {
                return Optional.of(ua.getStatusCode().value());
            }
        }
        return Optional.empty();
    }

    /** Disconnects a client at the end of a try block. */
    private record Disconnecting(OpcUaClient client) implements AutoCloseable {
        @Override
        public void close() throws UaException {
            client.disconnect();
        }
    }
}
