package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.Identity;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.KeyAlgorithm;
import dev.failover.certs.Keystores;
import dev.failover.certs.Pki;
import dev.failover.certs.TestPki;
import dev.failover.plcsim.opcua.PlcOpcUaServer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfigBuilder;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfigBuilder;

/**
 * The plant PKI of the OPC UA tests, made at test time, and Milo clients for a controller's OPC UA
 * server: SignAndEncrypt, X.509 users, the server certificate checked against the plant CA with every
 * optional check (the client's default validator would accept any server).
 */
final class OpcUaFixture {

    static final String NAMESPACE = "urn:dev.failover:plc-sim";

    final TestPki pki;
    final Identity serverApp;
    final Identity clientApp;
    final Identity gatewayUser;
    final Identity operatorUser;
    final Identity foreignApp;
    final List<X509CRL> crls;

    private OpcUaFixture(
            TestPki pki,
            Identity serverApp,
            Identity clientApp,
            Identity gatewayUser,
            Identity operatorUser,
            Identity foreignApp,
            List<X509CRL> crls) {
        this.pki = pki;
        this.serverApp = serverApp;
        this.clientApp = clientApp;
        this.gatewayUser = gatewayUser;
        this.operatorUser = operatorUser;
        this.foreignApp = foreignApp;
        this.crls = crls;
    }

    static OpcUaFixture create(Path dir) throws Exception {
        TestPki pki = TestPki.create(dir);
        Pki plant = pki.pki();
        Identity serverApp = pki.identity(plant.issue(
                CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, "plc-a-ua")
                        .uri("urn:test:plc-sim:A")
                        .ipAddress("127.0.0.1")
                        .dnsName("localhost")
                        .build(),
                TestPki.KEYSTORE_PASSWORD));
        Identity clientApp = pki.identity(plant.issue(
                CertificateRequest.opcuaApplication("scada-ua", "urn:test:scada"), TestPki.KEYSTORE_PASSWORD));
        Identity gatewayUser = pki.identity(
                plant.issue(rsaUser(CertificateKind.GATEWAY, "gw-user", "gateway"), TestPki.KEYSTORE_PASSWORD));
        Identity operatorUser = pki.identity(
                plant.issue(rsaUser(CertificateKind.OPERATOR, "op-user", "operator"), TestPki.KEYSTORE_PASSWORD));
        Identity foreignApp = pki.identity(pki.foreignPki()
                .issue(CertificateRequest.opcuaApplication("rogue-ua", "urn:test:rogue"), TestPki.KEYSTORE_PASSWORD));
        List<X509CRL> crls = Keystores.readCrls(pki.crlFile());
        return new OpcUaFixture(pki, serverApp, clientApp, gatewayUser, operatorUser, foreignApp, crls);
    }

    /** A user certificate: RSA, because the token signature uses the channel's RSA algorithm. */
    static CertificateRequest rsaUser(CertificateKind kind, String name, String role) {
        return CertificateRequest.builder(kind, name)
                .role(role)
                .keyAlgorithm(KeyAlgorithm.RSA_2048)
                .build();
    }

    /** The server side: any free port, the plant's application certificate, CA and CRLs. */
    SimConfig.OpcUa serverConfig() {
        return new SimConfig.OpcUa(0, serverApp, pki.verifier(), crls);
    }

    /** The same with {@code handshakeTimeout} for connections that have not authenticated yet. */
    SimConfig.OpcUa serverConfig(Duration handshakeTimeout) {
        return new SimConfig.OpcUa(0, serverApp, pki.verifier(), crls, handshakeTimeout);
    }

    Identity identity(IssuedCertificate certificate) throws Exception {
        return pki.identity(certificate);
    }

    /** Connects the client application with the gateway user over Basic256Sha256. */
    OpcUaClient connect(int port) throws Exception {
        return connect(
                port, clientApp, x509(gatewayUser), SecurityPolicy.Basic256Sha256, transport -> {}, config -> {});
    }

    /**
     * Connects {@code app} as {@code user} to {@code opc.tcp://127.0.0.1:<port>/plc-sim}; {@code
     * transport} and {@code tuning} adjust the transport and client configuration (timeouts,
     * keep-alive).
     */
    OpcUaClient connect(
            int port,
            Identity app,
            IdentityProvider user,
            SecurityPolicy policy,
            Consumer<OpcTcpClientTransportConfigBuilder> transport,
            Consumer<OpcUaClientConfigBuilder> tuning)
            throws Exception {
        MemoryTrustListManager trust = new MemoryTrustListManager();
        trust.setTrustedCertificates(List.of(pki.pki().root()));
        trust.setIssuerCertificates(List.of(pki.pki().issuingCa()));
        trust.setTrustedCrls(crls);
        DefaultClientCertificateValidator validator = new DefaultClientCertificateValidator(
                trust, ValidationCheck.ALL_OPTIONAL_CHECKS, new MemoryCertificateQuarantine());
        String applicationUri = CertificateUtil.getSanUri(app.certificate()).orElseThrow();
        String url = "opc.tcp://127.0.0.1:" + port + PlcOpcUaServer.PATH;
        OpcUaClient client = OpcUaClient.create(
                url,
                endpoints -> endpoints.stream()
                        .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()))
                        .filter(e -> e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt)
                        .findFirst(),
                transport,
                builder -> {
                    builder.setApplicationUri(applicationUri)
                            .setKeyPair(new KeyPair(app.certificate().getPublicKey(), app.privateKey()))
                            .setCertificate(app.certificate())
                            .setCertificateChain(app.chain().toArray(X509Certificate[]::new))
                            .setCertificateValidator(validator)
                            .setIdentityProvider(user);
                    tuning.accept(builder);
                });
        try {
            client.connect();
        } catch (UaException | RuntimeException e) {
            client.disconnect();
            throw e;
        }
        return client;
    }

    static X509IdentityProvider x509(Identity user) {
        return new X509IdentityProvider(user.certificate(), user.privateKey());
    }

    static NodeId node(OpcUaClient client, String id) throws UaException {
        int index = client.readNamespaceTable().getIndex(NAMESPACE).intValue();
        return new NodeId(index, id);
    }

    static int readUInt16(OpcUaClient client, NodeId node) throws UaException {
        DataValue value = client.readValue(0, TimestampsToReturn.Both, node);
        assertThat(value.statusCode().isGood())
                .as("status of %s: %s", node, value.statusCode())
                .isTrue();
        return ((UShort) value.value().value()).intValue();
    }

    static StatusCode write(OpcUaClient client, NodeId node, int value) throws UaException {
        return client.writeValues(List.of(node), List.of(new DataValue(new Variant(Unsigned.ushort(value)))))
                .get(0);
    }

    /** Writes the role command block as one UInt16 array: deadline (high word first), then role. */
    static StatusCode writeRoleCommand(OpcUaClient client, long deadlineEpochMillis, Role role) throws UaException {
        return writeUInt16s(
                client,
                node(client, "Status/RoleCommand"),
                (int) (deadlineEpochMillis >>> 48) & 0xFFFF,
                (int) (deadlineEpochMillis >>> 32) & 0xFFFF,
                (int) (deadlineEpochMillis >>> 16) & 0xFFFF,
                (int) deadlineEpochMillis & 0xFFFF,
                role.code());
    }

    static StatusCode writeUInt16s(OpcUaClient client, NodeId node, int... values) throws UaException {
        UShort[] array = new UShort[values.length];
        for (int i = 0; i < values.length; i++) {
            array[i] = Unsigned.ushort(values[i]);
        }
        return client.writeValues(List.of(node), List.of(new DataValue(new Variant(array))))
                .get(0);
    }

    /** The status code of the first {@link UaException} in the causes of {@code thrown}. */
    static Optional<Long> statusOf(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof UaException ua) {
                return Optional.of(ua.getStatusCode().value());
            }
        }
        return Optional.empty();
    }

    /** Disconnects a client at the end of a try block. */
    record Disconnecting(OpcUaClient client) implements AutoCloseable {
        @Override
        public void close() throws UaException {
            client.disconnect();
        }
    }
}
