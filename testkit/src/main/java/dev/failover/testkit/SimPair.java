package dev.failover.testkit;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.gateway.Gateway;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.CommandPolicy;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.FenceConfig;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.OpcUaIdentityConfig;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.PreferredRole;
import dev.failover.gateway.config.ScadaServerConfig;
import dev.failover.gateway.config.Secret;
import dev.failover.gateway.config.SecurityConfig;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.config.TagConfig.ChangedBy;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.supervisor.PairSupervisor;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.RelayBox;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimulatedPlc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Two simulated controllers sharing one tank, in this JVM, supervised by a gateway: the pair the
 * benchmark and the integration tests drive. Everything binds 127.0.0.1 on free ports.
 */
public final class SimPair implements AutoCloseable {

    public static final String PAIR = "tank-1";
    public static final String A = "plc-a";
    public static final String B = "plc-b";
    /** The controllers' scan period unless told otherwise: plc-sim's default. */
    public static final Duration DEFAULT_SCAN = Duration.ofMillis(10);

    private final Plant plant;
    private final RelayBox relays;
    private final Map<String, SimulatedPlc> plcs;
    private final Gateway gateway;

    /**
     * A pair of running controllers, the relay box that can cut their outputs (or {@code null}) and
     * the gateway supervising them; closing it closes them all.
     */
    SimPair(Plant plant, RelayBox relays, Map<String, SimulatedPlc> plcs, Gateway gateway) {
        this.plant = plant;
        this.relays = relays;
        this.plcs = plcs;
        this.gateway = gateway;
    }

    /** Starts plc-a active and plc-b standby, and a gateway with {@code policy} supervising them. */
    public static SimPair start(FailoverPolicy policy, boolean withFences, EventSink events) throws IOException {
        return start(policy, withFences, events, DEFAULT_SCAN);
    }

    /**
     * As {@link #start(FailoverPolicy, boolean, EventSink)}, the controllers scanning every {@code
     * scanPeriod}: a policy polling faster than every two scans sees heartbeats that did not advance.
     */
    public static SimPair start(FailoverPolicy policy, boolean withFences, EventSink events, Duration scanPeriod)
            throws IOException {
        return start(policy, withFences, events, null, null, false, scanPeriod, ChangedBy.PROGRAM, c -> c);
    }

    /**
     * The same pair speaking Modbus/TCP Security only, certificates from {@code pki}, and a gateway
     * with a security section (state in {@code stateDir}) that takes signed commands.
     */
    public static SimPair startSecure(
            FailoverPolicy policy, boolean withFences, EventSink events, TestPki pki, Path stateDir)
            throws IOException {
        return startSecure(policy, withFences, events, pki, stateDir, DEFAULT_SCAN);
    }

    /** As {@link #startSecure(FailoverPolicy, boolean, EventSink, TestPki, Path)}, scanning every {@code scanPeriod}. */
    public static SimPair startSecure(
            FailoverPolicy policy,
            boolean withFences,
            EventSink events,
            TestPki pki,
            Path stateDir,
            Duration scanPeriod)
            throws IOException {
        return start(policy, withFences, events, pki, stateDir, false, scanPeriod, ChangedBy.GATEWAY, c -> c);
    }

    /**
     * As {@link #startSecure(FailoverPolicy, boolean, EventSink, TestPki, Path)}, with {@code
     * level_setpoint} changed by {@code setpoint}: {@link ChangedBy#PROGRAM} where a test or benchmark
     * changes it directly on the active, as the controller's program would, and needs it mirrored.
     */
    public static SimPair startSecure(
            FailoverPolicy policy, boolean withFences, EventSink events, TestPki pki, Path stateDir, ChangedBy setpoint)
            throws IOException {
        return start(policy, withFences, events, pki, stateDir, false, DEFAULT_SCAN, setpoint, c -> c);
    }

    /**
     * As {@link #startSecure(FailoverPolicy, boolean, EventSink, TestPki, Path)}, with the secured
     * gateway configuration changed by {@code adjust} before the gateway starts (for example its
     * posture baseline).
     */
    public static SimPair startSecure(
            FailoverPolicy policy,
            boolean withFences,
            EventSink events,
            TestPki pki,
            Path stateDir,
            UnaryOperator<GatewayConfig> adjust)
            throws IOException {
        return start(policy, withFences, events, pki, stateDir, false, DEFAULT_SCAN, ChangedBy.GATEWAY, adjust);
    }

    /**
     * As {@link #startSecure}, with the gateway's OPC UA server for SCADA on 127.0.0.1 (a free port;
     * trust lists in {@code stateDir/opcua-pki}) and its OPC UA application certificate from {@code pki}
     * (SAN URI {@value #GATEWAY_UA_URI}, IP 127.0.0.1).
     */
    public static SimPair startWithScada(
            FailoverPolicy policy, boolean withFences, EventSink events, TestPki pki, Path stateDir)
            throws IOException {
        return start(policy, withFences, events, pki, stateDir, true, DEFAULT_SCAN, ChangedBy.GATEWAY, c -> c);
    }

    /** The application URI of the gateway's OPC UA certificate in {@link #startWithScada}. */
    public static final String GATEWAY_UA_URI = "urn:test:failover-gateway";

    private static SimPair start(
            FailoverPolicy policy,
            boolean withFences,
            EventSink events,
            TestPki pki,
            Path stateDir,
            boolean scada,
            Duration scanPeriod,
            ChangedBy setpoint,
            UnaryOperator<GatewayConfig> adjust)
            throws IOException {
        Plant plant = Plant.inMemory();
        SimulatedPlc a = null;
        SimulatedPlc b = null;
        RelayBox relays = null;
        try {
            a = SimulatedPlc.start(simConfig(A, Role.ACTIVE, pki, scanPeriod), plant);
            b = SimulatedPlc.start(simConfig(B, Role.STANDBY, pki, scanPeriod), plant);
            relays = withFences ? RelayBox.start(plant, "127.0.0.1", 0) : null;
            GatewayConfig config = setpointChangedBy(config(policy, relays, a, b), setpoint);
            if (pki != null) {
                config = secured(config, pki, stateDir);
            }
            if (scada) {
                config = withScada(config, pki, stateDir);
            }
            config = adjust.apply(config);
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
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private static SimConfig simConfig(String name, Role role, TestPki pki, Duration scanPeriod) throws PkiException {
        SimConfig plain = new SimConfig(name, role, "127.0.0.1", 0, 0, 1, scanPeriod);
        return pki == null ? plain : plain.withTls(pki.tlsContext(pki.controller(name)), Set.of("gateway"));
    }

    /**
     * {@code config} with its {@code level_setpoint} changed by {@code who}. A pair without a security
     * section takes no commands, so the tests that write its setpoint do so directly, as the program
     * would ({@link ChangedBy#PROGRAM}); a secured pair is a plant's, where only the gateway changes it.
     */
    static GatewayConfig setpointChangedBy(GatewayConfig config, ChangedBy who) {
        PairConfig p = config.pairs().getFirst();
        List<TagConfig> tags = p.tags().stream()
                .map(t -> t.name().equals("level_setpoint") ? t.changedBy(who) : t)
                .toList();
        PairConfig pair = new PairConfig(
                p.name(), p.controllers(), p.registers(), p.nodes(), tags, p.failover(), p.mirror(), p.box());
        return new GatewayConfig(
                config.source(),
                config.name(),
                config.controlHost(),
                config.controlPort(),
                config.eventLog(),
                List.of(pair),
                config.security(),
                config.scada(),
                config.controlHandshakeTimeout());
    }

    /** {@code config} with TLS to both controllers and a security section from the test PKI. */
    public static GatewayConfig secured(GatewayConfig config, TestPki pki, Path stateDir)
            throws IOException, PkiException {
        Files.createDirectories(stateDir);
        Path password = stateDir.resolve("keystore.pw");
        Files.writeString(password, new String(TestPki.KEYSTORE_PASSWORD), StandardCharsets.UTF_8);
        PairConfig plain = config.pairs().getFirst();
        List<ControllerConfig> controllers = plain.controllers().stream()
                .map(c -> new ControllerConfig(
                        c.id(),
                        c.preferredRole(),
                        new ModbusEndpoint(
                                c.modbus().host(), c.modbus().port(), c.modbus().unitId(), false),
                        c.fence()))
                .toList();
        PairConfig pair =
                new PairConfig(plain.name(), controllers, plain.registers(), plain.tags(), plain.failover(), null);
        SecurityConfig security = new SecurityConfig(
                pki.pki().caChainFile(),
                pki.crlFile(),
                pki.gateway("gateway", "gateway").keyStore(),
                new Secret(password, null),
                stateDir.resolve("state"),
                CommandPolicy.defaults());
        return new GatewayConfig(
                null,
                config.name(),
                config.controlHost(),
                config.controlPort(),
                null,
                List.of(pair),
                withAudit(security, pki, stateDir));
    }

    /**
     * {@code security} with the audit log on, in {@code stateDir/audit}, signed with an audit key from
     * {@code pki}: every secured bench records its evidence, as a plant's gateway does.
     */
    public static SecurityConfig withAudit(SecurityConfig security, TestPki pki, Path stateDir) throws PkiException {
        return security.withAudit(dev.failover.gateway.config.AuditConfig.of(
                pki.audit("gateway-audit").keyStore(), security.keystorePassword(), stateDir.resolve("audit")));
    }

    /** {@code config} (secured) with an OPC UA application certificate and the OPC UA server for SCADA. */
    public static GatewayConfig withScada(GatewayConfig config, TestPki pki, Path stateDir) throws PkiException {
        IssuedCertificate application = pki.pki()
                .issue(
                        CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, "gateway-ua-" + UUID.randomUUID())
                                .uri(GATEWAY_UA_URI)
                                .ipAddress("127.0.0.1")
                                .build(),
                        TestPki.KEYSTORE_PASSWORD);
        SecurityConfig s = config.security();
        SecurityConfig security = new SecurityConfig(
                s.caCertificates(),
                s.crl(),
                s.keystore(),
                s.keystorePassword(),
                s.stateDirectory(),
                s.commands(),
                new OpcUaIdentityConfig(application.keyStore(), s.keystorePassword(), null, null),
                // Everything else of the security section kept: posture, anomalies, the audit log.
                s.posture(),
                s.anomalies(),
                s.audit());
        return new GatewayConfig(
                config.source(),
                config.name(),
                config.controlHost(),
                config.controlPort(),
                config.eventLog(),
                config.pairs(),
                security,
                new ScadaServerConfig(
                        "127.0.0.1", 0, ScadaServerConfig.DEFAULT_PATH, stateDir.resolve("opcua-pki"), false));
    }

    /**
     * The gateway configuration for two controllers on loopback, with a fence for each on {@code
     * relays} (plc-sim's relay box on their plant), or without fences when it is {@code null}.
     */
    public static GatewayConfig config(FailoverPolicy policy, RelayBox relays, SimulatedPlc a, SimulatedPlc b) {
        return config(policy, a.modbusPort(), b.modbusPort(), relays == null ? 0 : relays.port());
    }

    /**
     * The gateway configuration for plc-a and plc-b on loopback Modbus TCP ports, each fenced through
     * the relay box on {@code relayPort} (0: no fences); for controllers in other processes.
     */
    public static GatewayConfig config(FailoverPolicy policy, int portA, int portB, int relayPort) {
        return new GatewayConfig(
                null,
                "bench-gateway",
                "127.0.0.1",
                0,
                null,
                List.of(new PairConfig(
                        PAIR,
                        List.of(
                                controller(A, PreferredRole.PRIMARY, portA, relayPort),
                                controller(B, PreferredRole.STANDBY, portB, relayPort)),
                        StatusRegisters.defaults(),
                        List.of(
                                new TagConfig(
                                        "level", 10, TagConfig.TagType.UINT16, 0.01, "%", 0, 100, false, List.of()),
                                new TagConfig(
                                        "level_setpoint",
                                        20,
                                        TagConfig.TagType.UINT16,
                                        0.01,
                                        "%",
                                        0,
                                        100,
                                        true,
                                        List.of("operator"))),
                        policy,
                        null)));
    }

    private static ControllerConfig controller(String id, PreferredRole role, int port, int relayPort) {
        return new ControllerConfig(
                id,
                role,
                new ModbusEndpoint("127.0.0.1", port, 1),
                relayPort == 0 ? null : new FenceConfig.Sim("127.0.0.1", relayPort, id));
    }

    /** The fence of controller {@code id} on {@code relays}, or {@code null} without a relay box. */
    static FenceConfig fence(String id, RelayBox relays) {
        return relays == null ? null : new FenceConfig.Sim("127.0.0.1", relays.port(), id);
    }

    /** The plant both controllers act on: tests read it as an independent observer of who drives. */
    public Plant plant() {
        return plant;
    }

    public SimulatedPlc plc(String id) {
        return plcs.get(id);
    }

    public Gateway gateway() {
        return gateway;
    }

    public PairSupervisor supervisor() {
        return gateway.pair(PAIR);
    }

    public PairStatus status() {
        return supervisor().status();
    }

    public static String other(String id) {
        return A.equals(id) ? B : A;
    }

    /**
     * True when the pair is PROTECTED with {@code active} active and the other controller a healthy,
     * unfenced standby whose outputs are enabled again, and failure detection is armed for both.
     */
    public boolean protectedWith(String active) {
        PairStatus s = status();
        Health standby = s.health().get(other(active));
        return s.state() == PairState.PROTECTED
                && active.equals(s.activeId())
                && standby.condition() == Condition.HEALTHY
                && standby.role() == RuntimeRole.STANDBY
                && s.fenced().isEmpty()
                && plc(other(active)).snapshot().outputEnable()
                // Timeouts count only once detection is armed (safety rule 10): a test injecting a soft
                // fault (hang, slow, frozen heartbeat) waits for it.
                && supervisor().detectionArmed();
    }

    /** Waits until {@code condition} holds, checking every millisecond, or throws after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition)
            throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void close() {
        gateway.close();
        if (relays != null) {
            relays.close();
        }
        plcs.values().forEach(SimulatedPlc::close);
        try {
            plant.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the plant failed", e);
        }
    }
}
