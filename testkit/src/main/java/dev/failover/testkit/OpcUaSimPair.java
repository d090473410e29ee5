package dev.failover.testkit;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.KeyAlgorithm;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.gateway.Gateway;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.CommandPolicy;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.config.OpcUaEndpoint;
import dev.failover.gateway.config.OpcUaIdentityConfig;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.PreferredRole;
import dev.failover.gateway.config.Secret;
import dev.failover.gateway.config.SecurityConfig;
import dev.failover.gateway.config.StatusNodes;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.events.EventSink;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.RelayBox;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimulatedPlc;
import dev.failover.plcsim.opcua.PlcOpcUaServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Starts two simulated controllers sharing one tank, in this JVM, supervised by a gateway that reaches both
 * over OPC UA (SignAndEncrypt, Basic256Sha256, X.509 user with role gateway, status subscription
 * on), certificates from a {@link TestPki}, and returns them as a {@link SimPair}. The
 * controllers keep their plain Modbus port, unused by the gateway, and their control port, which the
 * simulated fences use. Everything binds 127.0.0.1 on free ports.
 */
public final class OpcUaSimPair {

    public static final String PAIR = SimPair.PAIR;
    public static final String A = SimPair.A;
    public static final String B = SimPair.B;

    /**
     * The OPC UA certificates of the bench, issued once from a test PKI and reused by every pair
     * started with them.
     *
     * @param pki the plant PKI
     * @param controllerA plc-a's application identity (SAN IP 127.0.0.1, DNS localhost)
     * @param controllerB plc-b's application identity
     * @param gatewayApplication the gateway's OPC UA application certificate
     * @param gatewayUser the gateway's X.509 user, role gateway
     * @param gatewayTls the gateway's Modbus/TCP Security and command key store (role gateway)
     * @param crls the plant's CRLs
     */
    public record Certificates(
            TestPki pki,
            IssuedCertificate controllerA,
            IssuedCertificate controllerB,
            IssuedCertificate gatewayApplication,
            IssuedCertificate gatewayUser,
            IssuedCertificate gatewayTls,
            List<X509CRL> crls) {

        /** Issues the certificates from {@code pki} (RSA-2048 where OPC UA needs it). */
        public static Certificates issue(TestPki pki) throws PkiException {
            return new Certificates(
                    pki,
                    controller(pki, A),
                    controller(pki, B),
                    pki.pki()
                            .issue(
                                    CertificateRequest.opcuaApplication("gateway-ua", "urn:bench:gateway"),
                                    TestPki.KEYSTORE_PASSWORD),
                    pki.pki()
                            .issue(
                                    CertificateRequest.builder(CertificateKind.GATEWAY, "gateway-ua-user")
                                            .role("gateway")
                                            .keyAlgorithm(KeyAlgorithm.RSA_2048)
                                            .build(),
                                    TestPki.KEYSTORE_PASSWORD),
                    pki.gateway("gateway", "gateway"),
                    Keystores.readCrls(pki.crlFile()));
        }

        private static IssuedCertificate controller(TestPki pki, String id) throws PkiException {
            return pki.pki()
                    .issue(
                            CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, id + "-ua")
                                    .uri("urn:bench:plc-sim:" + id)
                                    .ipAddress("127.0.0.1")
                                    .dnsName("localhost")
                                    .build(),
                            TestPki.KEYSTORE_PASSWORD);
        }

        SimConfig.OpcUa server(IssuedCertificate controller) throws PkiException {
            return new SimConfig.OpcUa(0, pki.identity(controller), pki.verifier(), crls);
        }
    }

    private OpcUaSimPair() {}

    /**
     * Starts plc-a active and plc-b standby, and a gateway with {@code policy} supervising them over
     * OPC UA, its state (replay store, key store password file) in {@code stateDir}.
     */
    public static SimPair start(
            FailoverPolicy policy, boolean withFences, EventSink events, Certificates certificates, Path stateDir)
            throws IOException {
        return start(policy, withFences, events, certificates, stateDir, c -> c);
    }

    /** As {@link #start(FailoverPolicy, boolean, EventSink, Certificates, Path)}, the configuration changed by {@code adjust}. */
    public static SimPair start(
            FailoverPolicy policy,
            boolean withFences,
            EventSink events,
            Certificates certificates,
            Path stateDir,
            java.util.function.UnaryOperator<GatewayConfig> adjust)
            throws IOException {
        Plant plant = Plant.inMemory();
        SimulatedPlc a = null;
        SimulatedPlc b = null;
        RelayBox relays = null;
        try {
            a = SimulatedPlc.start(
                    SimConfig.of(A, Role.ACTIVE).withOpcUa(certificates.server(certificates.controllerA())), plant);
            b = SimulatedPlc.start(
                    SimConfig.of(B, Role.STANDBY).withOpcUa(certificates.server(certificates.controllerB())), plant);
            relays = withFences ? RelayBox.start(plant, "127.0.0.1", 0) : null;
            GatewayConfig config = adjust.apply(config(policy, relays, a, b, certificates, stateDir));
            return new SimPair(
                    plant,
                    relays,
                    Map.of(A, a, B, b),
                    Gateway.start(config, Ticker.system(), Clock.systemUTC(), events));
        } catch (IOException | RuntimeException | PkiException e) {
            if (relays != null) {
                relays.close();
            }
            for (SimulatedPlc p : new SimulatedPlc[] {a, b}) {
                if (p != null) {
                    p.close();
                }
            }
            try {
                plant.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** The gateway configuration: both controllers over OPC UA, tags by node id, a security section. */
    public static GatewayConfig config(
            FailoverPolicy policy,
            RelayBox relays,
            SimulatedPlc a,
            SimulatedPlc b,
            Certificates certificates,
            Path stateDir)
            throws IOException {
        Files.createDirectories(stateDir);
        Path password = stateDir.resolve("keystore.pw");
        Files.writeString(password, new String(TestPki.KEYSTORE_PASSWORD), StandardCharsets.UTF_8);
        Secret secret = new Secret(password, null);
        TestPki pki = certificates.pki();
        SecurityConfig security = new SecurityConfig(
                pki.pki().caChainFile(),
                pki.crlFile(),
                certificates.gatewayTls().keyStore(),
                secret,
                stateDir.resolve("state"),
                CommandPolicy.defaults(),
                new OpcUaIdentityConfig(
                        certificates.gatewayApplication().keyStore(),
                        secret,
                        certificates.gatewayUser().keyStore(),
                        secret));
        PairConfig pair = new PairConfig(
                PAIR,
                List.of(
                        controller(A, PreferredRole.PRIMARY, a, relays),
                        controller(B, PreferredRole.STANDBY, b, relays)),
                StatusRegisters.defaults(),
                StatusNodes.defaults(),
                List.of(
                        new TagConfig(
                                "level",
                                10,
                                TagConfig.TagType.UINT16,
                                0.01,
                                "%",
                                0,
                                100,
                                false,
                                List.of(),
                                StatusNodes.plcSim("Process/LEVEL")),
                        new TagConfig(
                                "level_setpoint",
                                20,
                                TagConfig.TagType.UINT16,
                                0.01,
                                "%",
                                0,
                                100,
                                true,
                                List.of("operator"),
                                StatusNodes.plcSim("Setpoints/LEVEL_SP"))),
                policy,
                null);
        return new GatewayConfig(
                null, "bench-gateway-ua", "127.0.0.1", 0, null, List.of(pair), audited(security, pki, stateDir));
    }

    private static SecurityConfig audited(SecurityConfig security, TestPki pki, Path stateDir) throws IOException {
        try {
            return SimPair.withAudit(security, pki, stateDir);
        } catch (PkiException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static ControllerConfig controller(String id, PreferredRole role, SimulatedPlc plc, RelayBox relays) {
        String url = "opc.tcp://127.0.0.1:" + plc.opcUaPort().orElseThrow() + PlcOpcUaServer.PATH;
        return new ControllerConfig(
                id,
                role,
                new OpcUaEndpoint(url, OpcUaEndpoint.SecurityPolicyName.BASIC256SHA256, true),
                SimPair.fence(id, relays));
    }
}
