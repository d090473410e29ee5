package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.certs.Identity;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.TestPki;
import dev.failover.gateway.Gateway;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.command.Command;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.CommandPolicy;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.Secret;
import dev.failover.gateway.config.SecurityConfig;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.control.GatewayClient;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.modbus.ModbusLink;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.RelayBox;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimulatedPlc;
import dev.failover.testkit.SimPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signed-command path end to end over real TLS: an operator signs a command, submits it to the
 * gateway's TLS endpoint, and it runs on the active controller, which accepts writes only from the
 * gateway's certificate over Modbus/TCP Security. The same holds after a failover.
 */
@Timeout(60)
class SignedCommandIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int LEVEL_SP = 20;

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static IssuedCertificate gatewayCert;
    private static IssuedCertificate alice;
    private static IssuedCertificate sam;

    private final Plant plant = Plant.inMemory();
    private final List<AutoCloseable> open = new ArrayList<>();
    private SimulatedPlc a;
    private SimulatedPlc b;
    private Gateway gateway;
    private GatewayConfig config;
    private Path passwordFile;

    @BeforeAll
    static void issue() throws Exception {
        pki = TestPki.create(dir);
        gatewayCert = pki.gateway("gateway", "gateway");
        alice = pki.operator("alice", "operator");
        sam = pki.operator("sam", "supervisor");
    }

    @BeforeEach
    void start(@TempDir Path state) throws Exception {
        a = secureSim("plc-a", Role.ACTIVE);
        b = secureSim("plc-b", Role.STANDBY);
        passwordFile = state.resolve("keystore.pw");
        Files.writeString(passwordFile, new String(TestPki.KEYSTORE_PASSWORD), StandardCharsets.UTF_8);
        RelayBox relays = RelayBox.start(plant, "127.0.0.1", 0);
        open.add(relays);
        GatewayConfig plain = SimPair.config(FailoverPolicy.defaults(), relays, a, b);
        PairConfig p = plain.pairs().getFirst();
        List<ControllerConfig> controllers = p.controllers().stream()
                .map(c -> new ControllerConfig(
                        c.id(),
                        c.preferredRole(),
                        new ModbusEndpoint("127.0.0.1", c.modbus().port(), 1, false),
                        c.fence()))
                .toList();
        List<TagConfig> tags = List.of(new TagConfig(
                "level_setpoint", LEVEL_SP, TagConfig.TagType.UINT16, 0.01, "%", 0, 100, true, List.of("operator")));
        PairConfig pair = new PairConfig(p.name(), controllers, p.registers(), tags, p.failover(), null);
        SecurityConfig security = new SecurityConfig(
                pki.pki().caChainFile(),
                pki.crlFile(),
                gatewayCert.keyStore(),
                new Secret(passwordFile, null),
                state.resolve("state"),
                CommandPolicy.defaults());
        config = new GatewayConfig(null, "gw", "127.0.0.1", 0, null, List.of(pair), security);
        gateway = Gateway.start(config, Ticker.system(), Clock.systemUTC(), e -> {});
        await().atMost(WAIT).until(() -> status().state() == PairState.PROTECTED);
    }

    private SimulatedPlc secureSim(String name, Role role) throws Exception {
        SSLContext tls = pki.tlsContext(pki.controller(name + "-" + UUID.randomUUID()));
        SimulatedPlc plc = SimulatedPlc.start(SimConfig.of(name, role).withTls(tls, Set.of("gateway")), plant);
        open.add(plc);
        return plc;
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        for (AutoCloseable c : open) {
            c.close();
        }
        plant.close();
    }

    private PairStatus status() {
        return gateway.pair(SimPair.PAIR).status();
    }

    private static byte[] signed(IssuedCertificate who, CommandAction action, Map<String, Object> args)
            throws Exception {
        Identity id = pki.identity(who);
        Instant now = Instant.now();
        Command c = new Command(UUID.randomUUID().toString(), now, now.plusSeconds(60), SimPair.PAIR, action, args);
        return CmsEnvelope.sign(c.canonicalJson(), id.privateKey(), id.chain());
    }

    private JsonNode submit(IssuedCertificate who, byte[] envelope) throws Exception {
        return GatewayClient.call(
                pki.tlsContext(who),
                "127.0.0.1",
                gateway.controlPort(),
                new ObjectMapper()
                        .createObjectNode()
                        .put("op", "submit")
                        .put("envelope", Base64.getEncoder().encodeToString(envelope)),
                Duration.ofSeconds(20));
    }

    /** A client of the controller that is not the gateway: with {@code tls} null, plain Modbus TCP. */
    private static ModbusLink directClient(SimulatedPlc plc, SSLContext tls) {
        return new ModbusLink(
                "direct",
                new ModbusEndpoint("127.0.0.1", plc.modbusPort(), 1),
                dev.failover.gateway.config.StatusRegisters.defaults(),
                Duration.ofMillis(500),
                Duration.ofMillis(100),
                Ticker.system(),
                tls);
    }

    /**
     * The controller's level setpoint, read through the gateway's link. That link reads with the poll's
     * adaptive deadline (a few milliseconds over the round trip), so on a loaded machine a read can time
     * out: a timed-out read is no answer, and the value is what the next answered read says.
     */
    private int levelSetpoint(String controller) {
        ModbusLink link = (ModbusLink) gateway.pair(SimPair.PAIR).link(controller);
        java.util.concurrent.atomic.AtomicReference<LinkResult<int[]>> read =
                new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(WAIT).until(() -> {
            read.set(link.readRegisters(LEVEL_SP, 1));
            return read.get().isOk();
        });
        return ((LinkResult.Ok<int[]>) read.get()).value()[0];
    }

    private void assertDirectWritesFail(SimulatedPlc plc, String controller) throws Exception {
        int before = levelSetpoint(controller);
        try (ModbusLink asOperator = directClient(plc, pki.tlsContext(alice));
                ModbusLink plain = directClient(plc, null);
                ModbusLink foreign =
                        directClient(plc, pki.tlsContext(pki.foreignOperator("m" + UUID.randomUUID(), "gateway")))) {
            LinkResult<int[]> denied = asOperator.writeRegisters(LEVEL_SP, new int[] {1111});
            assertThat(denied).isInstanceOfSatisfying(LinkResult.Failed.class, f -> {
                assertThat(f.error()).isEqualTo(LinkError.REJECTED);
                assertThat(f.detail()).contains("exception code 1");
            });
            assertThat(plain.writeRegisters(LEVEL_SP, new int[] {2222}).isOk()).isFalse();
            assertThat(foreign.writeRegisters(LEVEL_SP, new int[] {3333}))
                    .isInstanceOfSatisfying(
                            LinkResult.Failed.class,
                            // With TLS 1.3 the client may learn of the refusal only as a dropped connection,
                            // during the handshake or at the first request.
                            f -> assertThat(f.error()).isIn(LinkError.SECURITY, LinkError.CONNECTION_LOST));
        }
        assertThat(levelSetpoint(controller))
                .as("nothing was written to " + controller)
                .isEqualTo(before);
    }

    @Test
    void aSignedWriteRunsOnTheActiveAndDirectWritesFailBeforeAndAfterAFailover() throws Exception {
        assertThat(gateway.pair(SimPair.PAIR).link("plc-a").secure()).isTrue();

        JsonNode done =
                submit(alice, signed(alice, CommandAction.WRITE_TAG, Map.of("tag", "level_setpoint", "value", 42.5)));

        assertThat(done.path("outcome").asText()).as(done.toString()).isEqualTo("DONE");
        assertThat(levelSetpoint("plc-a")).isEqualTo(4250);
        assertDirectWritesFail(a, "plc-a");
        assertDirectWritesFail(b, "plc-b");

        a.faults().crash();
        await().atMost(WAIT).until(() -> "plc-b".equals(status().activeId()));

        JsonNode after =
                submit(alice, signed(alice, CommandAction.WRITE_TAG, Map.of("tag", "level_setpoint", "value", 61)));
        assertThat(after.path("outcome").asText()).as(after.toString()).isEqualTo("DONE");
        assertThat(levelSetpoint("plc-b")).isEqualTo(6100);
        assertDirectWritesFail(b, "plc-b");
    }

    @Test
    void aRejectedCommandWritesNothing() throws Exception {
        int before = levelSetpoint("plc-a");

        JsonNode outOfBounds =
                submit(alice, signed(alice, CommandAction.WRITE_TAG, Map.of("tag", "level_setpoint", "value", 250)));
        JsonNode revoked = submit(
                alice,
                signed(
                        pki.revokedOperator("rex" + UUID.randomUUID(), "operator"),
                        CommandAction.WRITE_TAG,
                        Map.of("tag", "level_setpoint", "value", 10)));

        assertThat(outOfBounds.path("code").asText()).isEqualTo("OUT_OF_BOUNDS");
        assertThat(revoked.path("outcome").asText()).isEqualTo("REJECTED");
        assertThat(levelSetpoint("plc-a")).isEqualTo(before);
    }

    @Test
    void aSwitchoverNeedsASignedCommandFromAPermittedRole() throws Exception {
        JsonNode refused = submit(alice, signed(alice, CommandAction.SWITCHOVER, Map.of("reason", "test")));
        assertThat(refused.path("code").asText()).isEqualTo("ROLE_NOT_PERMITTED");
        assertThat(status().activeId()).isEqualTo("plc-a");

        await().atMost(WAIT)
                .until(() -> status().state() == PairState.PROTECTED
                        && status().health().get("plc-b").consecutiveBad() == 0);
        JsonNode done = submit(sam, signed(sam, CommandAction.SWITCHOVER, Map.of("reason", "maintenance")));

        assertThat(done.path("outcome").asText()).as(done.toString()).isEqualTo("DONE");
        assertThat(status().activeId()).isEqualTo("plc-b");
        assertThat(b.snapshot().role()).isEqualTo(Role.ACTIVE);
        assertThat(a.snapshot().role()).isEqualTo(Role.STANDBY);
    }

    @Test
    void theEndpointRefusesClientsWithoutAPlantCertificate() throws Exception {
        byte[] envelope = signed(alice, CommandAction.WRITE_TAG, Map.of("tag", "level_setpoint", "value", 10));
        SSLContext foreign = pki.tlsContext(pki.foreignOperator("eve" + UUID.randomUUID(), "operator"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayClient.call(
                        foreign,
                        "127.0.0.1",
                        gateway.controlPort(),
                        new ObjectMapper()
                                .createObjectNode()
                                .put("op", "submit")
                                .put("envelope", Base64.getEncoder().encodeToString(envelope)),
                        Duration.ofSeconds(5)))
                .isInstanceOf(java.io.IOException.class);
        // Plain text gets a refusal in plain text, never a status.
        JsonNode plain = GatewayClient.call(
                "127.0.0.1",
                gateway.controlPort(),
                new ObjectMapper().createObjectNode().put("op", "status"),
                Duration.ofSeconds(5));
        assertThat(plain.path("ok").asBoolean()).isFalse();
        assertThat(plain.path("code").asText()).isEqualTo("PROTOCOL");
        assertThat(plain.has("pairs")).isFalse();
    }

    private static byte[] signedRaw(Identity id, byte[] content) {
        return CmsEnvelope.sign(content, id.privateKey(), id.chain());
    }

    @Test
    void everyRejectionPathGivesItsReasonAndLeavesTheControllerUntouched() throws Exception {
        int before = levelSetpoint("plc-a");
        Identity aliceId = pki.identity(alice);
        Map<String, Object> write = Map.of("tag", "level_setpoint", "value", 12);
        byte[] tampered = signed(alice, CommandAction.WRITE_TAG, Map.of("tag", "level_setpoint", "value", 12));
        int at = new String(tampered, StandardCharsets.ISO_8859_1).indexOf("\"value\":12");
        tampered[at + "\"value\":".length()] = '9';
        java.security.KeyPairGenerator keys = java.security.KeyPairGenerator.getInstance("EC");
        keys.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        Identity impostor = new Identity("x", keys.generateKeyPair().getPrivate(), aliceId.chain());
        Instant now = Instant.now();
        Command stale = new Command(
                UUID.randomUUID().toString(),
                now.minusSeconds(600),
                now.minusSeconds(300),
                SimPair.PAIR,
                CommandAction.WRITE_TAG,
                write);
        String explode = new String(
                        new Command(
                                        UUID.randomUUID().toString(),
                                        now,
                                        now.plusSeconds(60),
                                        SimPair.PAIR,
                                        CommandAction.WRITE_TAG,
                                        write)
                                .canonicalJson(),
                        StandardCharsets.UTF_8)
                .replace("\"write-tag\"", "\"explode\"");
        String u = UUID.randomUUID().toString().substring(0, 8);
        Map<String, byte[]> cases = new java.util.LinkedHashMap<>();
        cases.put("BAD_SIGNATURE", tampered);
        cases.put(
                "BAD_SIGNATURE ",
                signedRaw(
                        impostor,
                        new Command(
                                        UUID.randomUUID().toString(),
                                        now,
                                        now.plusSeconds(60),
                                        SimPair.PAIR,
                                        CommandAction.WRITE_TAG,
                                        write)
                                .canonicalJson()));
        cases.put("UNKNOWN_CA", signed(pki.foreignOperator("f" + u, "operator"), CommandAction.WRITE_TAG, write));
        cases.put(
                "CERTIFICATE_EXPIRED",
                signed(pki.expiredOperator("e" + u, "operator"), CommandAction.WRITE_TAG, write));
        cases.put(
                "CERTIFICATE_NOT_YET_VALID",
                signed(pki.notYetValidOperator("n" + u, "operator"), CommandAction.WRITE_TAG, write));
        cases.put("REVOKED", signed(pki.revokedOperator("r" + u, "operator"), CommandAction.WRITE_TAG, write));
        cases.put("ROLE_NOT_PERMITTED", signed(pki.operator("v" + u, "viewer"), CommandAction.WRITE_TAG, write));
        cases.put("EXPIRED_COMMAND", signedRaw(aliceId, stale.canonicalJson()));
        cases.put("MALFORMED", "not CMS at all".getBytes(StandardCharsets.UTF_8));
        cases.put("OVERSIZED", new byte[20 * 1024]); // over the guard's 16 KiB, under the endpoint's line limit
        cases.put("UNKNOWN_ACTION", signedRaw(aliceId, explode.getBytes(StandardCharsets.UTF_8)));
        cases.put("UNKNOWN_TAG", signed(alice, CommandAction.WRITE_TAG, Map.of("tag", "pump", "value", 1)));
        cases.put(
                "OUT_OF_BOUNDS", signed(alice, CommandAction.WRITE_TAG, Map.of("tag", "level_setpoint", "value", 101)));

        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            JsonNode answer = submit(alice, c.getValue());
            assertThat(answer.path("outcome").asText())
                    .as(c.getKey() + ": " + answer)
                    .isEqualTo("REJECTED");
            assertThat(answer.path("code").asText())
                    .as(answer.toString())
                    .isEqualTo(c.getKey().strip());
        }
        assertThat(levelSetpoint("plc-a")).isEqualTo(before);
        assertThat(levelSetpoint("plc-b")).isEqualTo(before);
    }

    @Test
    void aReplayIsRefusedAlsoAfterTheGatewayRestarts() throws Exception {
        byte[] envelope = signed(alice, CommandAction.WRITE_TAG, Map.of("tag", "level_setpoint", "value", 21));
        JsonNode first = submit(alice, envelope);
        assertThat(first.path("outcome").asText()).as(first.toString()).isEqualTo("DONE");
        assertThat(submit(alice, envelope).path("code").asText()).isEqualTo("REPLAYED");
        int value = levelSetpoint("plc-a");

        gateway.close();
        gateway = Gateway.start(config, Ticker.system(), Clock.systemUTC(), e -> {});
        await().atMost(WAIT).until(() -> status().state() == PairState.PROTECTED);

        assertThat(submit(alice, envelope).path("code").asText()).isEqualTo("REPLAYED");
        assertThat(levelSetpoint("plc-a")).isEqualTo(value);
    }

    /** Runs {@code gateway write} as alice; returns the exit code, output in {@code out}, errors in {@code err}. */
    private int cliWrite(String value, java.io.ByteArrayOutputStream out, java.io.ByteArrayOutputStream err) {
        out.reset();
        err.reset();
        return dev.failover.gateway.cli.GatewayMain.run(
                List.of(
                        "write",
                        "--pair",
                        SimPair.PAIR,
                        "--tag",
                        "level_setpoint",
                        "--value",
                        value,
                        "--control",
                        "127.0.0.1:" + gateway.controlPort(),
                        "--identity",
                        alice.keyStore().toString(),
                        "--pki",
                        pki.pki().dir().toString(),
                        "--identity-password-file",
                        passwordFile.toString()),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void anOperatorWritesWithTheCommandLineBeforeAndAfterAFailover() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

        assertThat(cliWrite("33.5", out, err))
                .as(err.toString(StandardCharsets.UTF_8))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("DONE: level_setpoint = 33.5 % on plc-a");
        assertThat(levelSetpoint("plc-a")).isEqualTo(3350);

        a.faults().crash();
        await().atMost(WAIT).until(() -> "plc-b".equals(status().activeId()));

        assertThat(cliWrite("44", out, err))
                .as(err.toString(StandardCharsets.UTF_8))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("DONE: level_setpoint = 44.0 % on plc-b");
        assertThat(levelSetpoint("plc-b")).isEqualTo(4400);
    }
}
