package dev.failover.gateway.link.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.Pki;
import dev.failover.certs.RevocationReason;
import dev.failover.certs.TestPki;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.OpcUaEndpoint;
import dev.failover.gateway.config.OpcUaEndpoint.SecurityPolicyName;
import dev.failover.gateway.config.StatusNodes;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import dev.failover.gateway.link.modbus.ModbusLink;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimulatedPlc;
import dev.failover.plcsim.opcua.PlcOpcUaServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OpcUaLink} against real plc-sim OPC UA servers on 127.0.0.1, with a plant PKI made at test
 * time: status reads, role and setpoint writes, the controller's refusals, certificate and identity
 * refusals, and recovery from faults injected into the controller. One controller serves most tests
 * (each test opens its own link; a connect costs about half a second).
 */
@Timeout(60)
class OpcUaLinkIT {

    /** Generous, for tests of what is answered rather than how fast (CI machines are loaded). */
    static final Duration TIMEOUT = Duration.ofMillis(500);

    /**
     * The gateway's default, for tests of the subscription: it publishes every max(10 ms, half the
     * timeout), which must be faster than the 20 ms poll for the subscription to answer polls.
     */
    static final Duration POLL_TIMEOUT = FailoverPolicy.defaults().responseTimeout();

    static final Duration POLL_PERIOD = FailoverPolicy.defaults().pollPeriod();
    static final Duration BACKOFF = Duration.ofMillis(500);
    static final char[] KEYSTORE = TestPki.KEYSTORE_PASSWORD;
    static final Duration WAIT = Duration.ofSeconds(10);

    static final TagConfig LEVEL_SP = setpoint("level_setpoint", 20, "Setpoints/LEVEL_SP");
    static final TagConfig VALVE_SP = setpoint("valve_setpoint", 21, "Setpoints/VALVE_SP");

    @TempDir
    static Path dir;

    static UaTestPki pki;
    static OpcUaCredentials gateway;
    static SimulatedPlc plc;
    static Plant plant;

    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    static TagConfig setpoint(String name, int address, String node) {
        return new TagConfig(
                name,
                address,
                TagConfig.TagType.UINT16,
                0.01,
                "%",
                0,
                100,
                true,
                List.of("operator"),
                StatusNodes.plcSim(node));
    }

    @BeforeAll
    static void start() throws Exception {
        pki = UaTestPki.create(dir);
        gateway = pki.credentials("gw-user", "gateway");
        plant = Plant.inMemory();
        // Shared by every test: it keeps ACTIVE across the crash test, so no test depends on the order.
        plc = SimulatedPlc.start(
                SimConfig.of("A", Role.ACTIVE).withRetainActiveRole(true).withOpcUa(pki.controllerServer("plc-a")),
                plant);
    }

    @AfterAll
    static void stop() throws Exception {
        plc.close();
        plant.close();
    }

    @AfterEach
    void closeLinks() throws Exception {
        plc.faults().clear();
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    static String url(SimulatedPlc p) {
        return "opc.tcp://127.0.0.1:" + p.opcUaPort().getAsInt() + PlcOpcUaServer.PATH;
    }

    OpcUaLink link(SimulatedPlc p, boolean subscribe, OpcUaCredentials credentials) {
        return link(p, subscribe, credentials, TIMEOUT);
    }

    OpcUaLink link(SimulatedPlc p, boolean subscribe, OpcUaCredentials credentials, Duration timeout) {
        return link(p, subscribe, credentials, timeout, StatusNodes.defaults());
    }

    OpcUaLink link(
            SimulatedPlc p, boolean subscribe, OpcUaCredentials credentials, Duration timeout, StatusNodes nodes) {
        OpcUaLink link = new OpcUaLink(
                "plc-" + p.snapshot().name(),
                new OpcUaEndpoint(url(p), SecurityPolicyName.BASIC256SHA256, subscribe),
                nodes,
                timeout,
                BACKOFF,
                Ticker.system(),
                credentials,
                Clock.systemUTC());
        closeAfter.add(link);
        return link;
    }

    OpcUaLink connectedLink(boolean subscribe) {
        OpcUaLink link = link(plc, subscribe, gateway);
        await().atMost(WAIT).until(link::connected);
        return link;
    }

    /** A link as the gateway makes it (15 ms timeout, subscription on), once it is subscribed. */
    OpcUaLink subscribedLink() {
        OpcUaLink link = link(plc, true, gateway, POLL_TIMEOUT);
        await().atMost(WAIT).until(() -> link.connected() && link.subscribed());
        return link;
    }

    ModbusLink modbus() {
        ModbusLink modbus = new ModbusLink(
                "plc-A-modbus",
                new ModbusEndpoint("127.0.0.1", plc.modbusPort(), 1),
                StatusRegisters.defaults(),
                TIMEOUT,
                BACKOFF,
                Ticker.system());
        closeAfter.add(modbus);
        return modbus;
    }

    static <T> T ok(LinkResult<T> result) {
        assertThat(result).isInstanceOf(LinkResult.Ok.class);
        return ((LinkResult.Ok<T>) result).value();
    }

    /** The heartbeat read, or -1 if the read failed. */
    static int heartbeat(LinkResult<StatusReading> result) {
        return result instanceof LinkResult.Ok<StatusReading> ok ? ok.value().heartbeat() : -1;
    }

    static LinkResult.Failed<?> failed(LinkResult<?> result) {
        assertThat(result).isInstanceOf(LinkResult.Failed.class);
        return (LinkResult.Failed<?>) result;
    }

    @Test
    void readsTheStatusBlockWithAnAdvancingHeartbeat() {
        OpcUaLink link = connectedLink(false);

        StatusReading first = ok(link.readStatus());

        assertThat(first.status()).isEqualTo(RunStatus.RUN);
        assertThat(first.role()).isEqualTo(RuntimeRole.ACTIVE);
        assertThat(first.outputsEnabled()).isTrue();
        assertThat(first.faultCode()).isZero();
        await().atMost(WAIT).until(() -> heartbeat(link.readStatus()) != first.heartbeat());
        assertThat(link.endpoint()).isEqualTo(url(plc));
        assertThat(link.secure()).isTrue();
    }

    @Test
    void aRoleWriteIsReadBackAndReachesTheController() {
        OpcUaLink link = connectedLink(false);
        try {
            StatusReading demoted = ok(link.writeRole(RuntimeRole.STANDBY));

            assertThat(demoted.role()).isEqualTo(RuntimeRole.STANDBY);
            assertThat(plc.snapshot().role()).isEqualTo(Role.STANDBY);
            await().atMost(WAIT)
                    .until(() -> link.readStatusForControl() instanceof LinkResult.Ok<StatusReading> r
                            && !r.value().driving());
        } finally {
            await().atMost(WAIT)
                    .until(() -> link.writeRole(RuntimeRole.ACTIVE) instanceof LinkResult.Ok<StatusReading> r
                            && r.value().role() == RuntimeRole.ACTIVE);
        }
    }

    @Test
    void aControllerWhoseClockIsPastTheDeadlineRefusesTheRoleCommandAndNothingChanges() throws Exception {
        try (SimulatedPlc ahead = SimulatedPlc.start(
                SimConfig.of("S", Role.STANDBY).withOpcUa(pki.controllerServer("plc-s")),
                plant,
                Clock.offset(Clock.systemUTC(), Duration.ofHours(1)))) {
            OpcUaLink link = link(ahead, false, gateway);
            await().atMost(WAIT).until(link::connected);

            LinkResult.Failed<?> refused = failed(link.writeRole(RuntimeRole.ACTIVE));

            assertThat(refused.error()).isEqualTo(LinkError.REJECTED);
            assertThat(refused.detail())
                    .startsWith("writing role ACTIVE: controller refused the role command as stale or invalid"
                            + " (Bad_OutOfRange)");
            assertThat(ahead.snapshot().role()).isEqualTo(Role.STANDBY);

            OpcUaLink withoutDeadline =
                    link(ahead, false, gateway, TIMEOUT, StatusNodes.defaults().withRoleCommand(Optional.empty()));
            await().atMost(WAIT).until(withoutDeadline::connected);
            assertThat(ok(withoutDeadline.writeRole(RuntimeRole.ACTIVE)).role())
                    .as("nodes.roleCommand none: the role variable, no deadline, the clock does not matter")
                    .isEqualTo(RuntimeRole.ACTIVE);
        }
    }

    @Test
    void aRoleCommandNodeMissingOnTheServerIsAProtocolErrorNamingTheFix() {
        OpcUaLink link = link(
                plc,
                false,
                gateway,
                TIMEOUT,
                StatusNodes.defaults().withRoleCommand(Optional.of("nsu=urn:plant:other;s=Status/RoleCommand")));
        await().atMost(WAIT).until(link::connected);

        LinkResult.Failed<?> failed = failed(link.writeRole(RuntimeRole.STANDBY));

        assertThat(failed.error()).isEqualTo(LinkError.PROTOCOL);
        assertThat(failed.detail()).contains("role command node").contains("nodes.roleCommand");
        assertThat(plc.snapshot().role()).isEqualTo(Role.ACTIVE);
    }

    @Test
    void setpointsAreWrittenInOneCallReadBackAndSeenOverModbus() {
        OpcUaLink link = connectedLink(false);

        double[] held = ok(link.writeTags(List.of(LEVEL_SP, VALVE_SP), new double[] {6123, 2500}));

        assertThat(held).containsExactly(6123, 2500);
        assertThat(ok(link.readTags(List.of(VALVE_SP, LEVEL_SP)))).containsExactly(2500, 6123);
        assertThat(ok(modbus().readRegisters(20, 2))).containsExactly(6123, 2500);
    }

    @Test
    void anOutOfRangeSetpointIsRejectedByTheControllerAndNothingChanges() {
        OpcUaLink link = connectedLink(false);
        double before = ok(link.readTags(List.of(VALVE_SP)))[0];

        LinkResult.Failed<?> refused = failed(link.writeTags(List.of(VALVE_SP), new double[] {10001}));

        assertThat(refused.error()).isEqualTo(LinkError.REJECTED);
        assertThat(refused.detail()).contains("valve_setpoint").contains("Bad_OutOfRange");
        assertThat(ok(link.readTags(List.of(VALVE_SP)))[0]).isEqualTo(before);
        assertThat(ok(modbus().readRegisters(21, 1))[0]).isEqualTo((int) before);
    }

    @Test
    void aValueThatDoesNotFitTheTagTypeIsNotSent() {
        OpcUaLink link = connectedLink(false);

        LinkResult.Failed<?> refused = failed(link.writeTags(List.of(LEVEL_SP), new double[] {70_000}));

        assertThat(refused.error()).isEqualTo(LinkError.PROTOCOL);
        assertThat(refused.detail()).contains("level_setpoint").contains("nothing written");
    }

    @Test
    void aTagOfAnotherTypeThanTheVariableIsAProtocolError() {
        OpcUaLink link = connectedLink(false);
        TagConfig asInt32 = new TagConfig(
                "level_sp_as_int32",
                20,
                TagConfig.TagType.INT32,
                1,
                "",
                0,
                1e6,
                false,
                List.of(),
                StatusNodes.plcSim("Setpoints/LEVEL_SP"));

        LinkResult.Failed<?> wrong = failed(link.readTags(List.of(asInt32)));

        assertThat(wrong.error()).isEqualTo(LinkError.PROTOCOL);
        assertThat(wrong.detail()).contains("UInt16").contains("INT32");
    }

    @Test
    void aUserWithoutTheGatewayRoleReadsButItsWritesAreRejected() throws Exception {
        OpcUaLink link = link(plc, false, pki.credentials("op-user", "operator"));
        await().atMost(WAIT).until(link::connected);
        double before = ok(link.readTags(List.of(LEVEL_SP)))[0];

        LinkResult.Failed<?> role = failed(link.writeRole(RuntimeRole.STANDBY));
        LinkResult.Failed<?> tag = failed(link.writeTags(List.of(LEVEL_SP), new double[] {7777}));

        assertThat(role.error()).isEqualTo(LinkError.REJECTED);
        assertThat(role.detail()).contains("Bad_UserAccessDenied");
        assertThat(tag.error()).isEqualTo(LinkError.REJECTED);
        assertThat(tag.detail()).contains("level_setpoint").contains("Bad_UserAccessDenied");
        assertThat(plc.snapshot().role()).isEqualTo(Role.ACTIVE);
        assertThat(ok(link.readTags(List.of(LEVEL_SP)))[0]).isEqualTo(before);
    }

    @Test
    void aServerCertificateOfAnotherCaIsRefusedAndNoSessionIsMade() throws Exception {
        try (SimulatedPlc rogue = SimulatedPlc.start(
                SimConfig.of("R", Role.STANDBY)
                        .withOpcUa(pki.serverConfig(pki.server(pki.pki.foreignPki(), "rogue", "127.0.0.1"))),
                plant)) {
            OpcUaLink link = link(rogue, false, gateway);

            AtomicReference<LinkResult.Failed<?>> refused = new AtomicReference<>();
            await().atMost(WAIT).until(() -> {
                LinkResult<StatusReading> r = link.readStatus();
                if (r instanceof LinkResult.Failed<StatusReading> f && f.error() == LinkError.SECURITY) {
                    refused.set(f);
                    return true;
                }
                return false;
            });

            assertThat(refused.get().detail()).containsAnyOf("Bad_SecurityChecksFailed", "Bad_CertificateUntrusted");
            assertThat(link.connected()).isFalse();
            assertThat(failed(link.writeRole(RuntimeRole.ACTIVE)).error())
                    .isIn(LinkError.SECURITY, LinkError.BACKING_OFF, LinkError.UNREACHABLE);
            assertThat(rogue.snapshot().role()).isEqualTo(Role.STANDBY);
        }
    }

    @Test
    void aServerCertificateNamingAnotherHostIsRefused() throws Exception {
        try (SimulatedPlc elsewhere = SimulatedPlc.start(
                SimConfig.of("E", Role.STANDBY)
                        .withOpcUa(pki.serverConfig(pki.server(pki.pki.pki(), "elsewhere", "10.9.9.9"))),
                plant)) {
            OpcUaLink link = link(elsewhere, false, gateway);

            await().atMost(WAIT)
                    .until(() -> link.readStatus() instanceof LinkResult.Failed<StatusReading> f
                            && f.error() == LinkError.SECURITY
                            && f.detail().contains("Bad_CertificateHostNameInvalid"));
            assertThat(link.connected()).isFalse();
        }
    }

    @Test
    void aRevokedServerCertificateIsRefused() throws Exception {
        IssuedCertificate revoked = pki.pki.pki().issue(UaTestPki.serverRequest("revoked", "127.0.0.1"), KEYSTORE);
        pki.pki.pki().revoke(revoked.serial(), RevocationReason.KEY_COMPROMISE);
        pki.pki.pki().publishCrl(Pki.DEFAULT_CRL_VALIDITY);
        try (SimulatedPlc plcWithRevoked = SimulatedPlc.start(
                SimConfig.of("V", Role.STANDBY).withOpcUa(pki.serverConfig(pki.pki.identity(revoked))), plant)) {
            OpcUaLink link = link(plcWithRevoked, false, pki.withCurrentCrls(gateway));

            await().atMost(WAIT)
                    .until(() -> link.readStatus() instanceof LinkResult.Failed<StatusReading> f
                            && f.error() == LinkError.SECURITY
                            && f.detail().contains("Bad_CertificateRevoked"));
            assertThat(link.connected()).isFalse();
        }
    }

    @Test
    void aCrashedControllerIsReconnectedAfterItsRestartWithItsSubscription() {
        OpcUaLink link = subscribedLink();

        plc.faults().crash();

        await().atMost(WAIT).until(() -> !link.readStatus().isOk());
        assertThat(failed(link.readStatus()).error())
                .isIn(LinkError.CONNECTION_LOST, LinkError.UNREACHABLE, LinkError.BACKING_OFF, LinkError.TIMEOUT);
        assertThat(link.connected()).isFalse();

        plc.faults().clear();

        await().atMost(WAIT).until(() -> link.readStatus().isOk() && link.subscribed());
        long pushedBefore = link.statusPushed();
        await().atMost(WAIT).pollInterval(POLL_PERIOD).until(() -> {
            link.readStatus();
            return link.statusPushed() > pushedBefore + 3;
        });
    }

    @Test
    void aFrozenHeartbeatShowsAsUnchangedThroughPollsAndSubscription() {
        for (boolean subscribe : new boolean[] {false, true}) {
            OpcUaLink link = subscribe ? subscribedLink() : connectedLink(false);
            List<Integer> beats = new ArrayList<>();
            plc.faults().freezeHeartbeat();
            try {
                await().atMost(WAIT).pollInterval(POLL_PERIOD).until(() -> {
                    if (link.readStatus() instanceof LinkResult.Ok<StatusReading> ok) {
                        beats.add(ok.value().heartbeat());
                    }
                    int n = beats.size();
                    return n >= 5 && beats.subList(n - 5, n).stream().distinct().count() == 1;
                });
            } finally {
                plc.faults().clear();
            }
            int frozen = beats.getLast();
            await().atMost(WAIT).until(() -> {
                int now = heartbeat(link.readStatus());
                return now >= 0 && now != frozen;
            });
        }
    }

    @Test
    void aFaultIsReported() {
        OpcUaLink link = subscribedLink();

        plc.faults().fault();

        await().atMost(WAIT)
                .until(() -> link.readStatus() instanceof LinkResult.Ok<StatusReading> ok
                        && ok.value().status() == RunStatus.FAULT
                        && ok.value().faultCode() == 1);
    }

    @Test
    void aHungControllerFailsEveryCallWithinTheTimeoutAndWorksAgainAfterClear() {
        OpcUaLink link = subscribedLink();
        await().atMost(WAIT).until(() -> link.readStatus().isOk());

        long hung = System.nanoTime();
        plc.faults().hang();

        int answeredAfterHang = 0;
        while (link.readStatus().isOk()) {
            answeredAfterHang++;
        }
        // The subscription answers at most once more (with the last notification before the hang),
        // and a Read sent before the hang may still be answered; then every call fails.
        assertThat(answeredAfterHang).isLessThanOrEqualTo(2);
        long firstFailure = System.nanoTime() - hung;
        for (int i = 0; i < 10; i++) {
            long start = System.nanoTime();
            LinkResult.Failed<?> f = failed(link.readStatus());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(POLL_TIMEOUT.plusMillis(50));
            assertThat(f.error()).isEqualTo(LinkError.TIMEOUT);
        }
        org.slf4j.LoggerFactory.getLogger(OpcUaLinkIT.class)
                .warn(
                        "hang: first failed readStatus {} ms after the fault, {} answered after it",
                        ms(firstFailure),
                        answeredAfterHang);

        plc.faults().clear();

        await().atMost(WAIT).until(() -> link.readStatus().isOk());
        long pushedBefore = link.statusPushed();
        await().atMost(WAIT).pollInterval(POLL_PERIOD).until(() -> {
            link.readStatus();
            return link.statusPushed() > pushedBefore + 3;
        });
    }

    @Test
    void aSlowControllerIsNotAnsweredForFromTheSubscription() {
        OpcUaLink link = subscribedLink();

        plc.faults().slow(Duration.ofMillis(100));

        await().atMost(WAIT).until(() -> !link.readStatus().isOk());
        // Notifications still arrive, 100 ms late: too old to stand for an answer.
        for (int i = 0; i < 10; i++) {
            assertThat(failed(link.readStatus()).error()).isEqualTo(LinkError.TIMEOUT);
        }
        assertThat(link.connected()).isTrue();

        plc.faults().clear();

        await().atMost(WAIT).until(() -> link.readStatus().isOk());
    }

    @Test
    void droppedConnectionsAreReopenedAfterClear() {
        OpcUaLink link = connectedLink(false);

        plc.faults().drop();

        await().atMost(WAIT).until(() -> !link.connected());
        assertThat(failed(link.readStatus()).error())
                .isIn(LinkError.CONNECTION_LOST, LinkError.UNREACHABLE, LinkError.BACKING_OFF, LinkError.TIMEOUT);

        plc.faults().clear();

        await().atMost(WAIT).until(() -> link.readStatus().isOk());
    }

    /**
     * Poll and control share one secure channel: a role write is sent and answered while a poll
     * waits for an answer that never comes (plc-sim's {@code lose 1}).
     */
    @Test
    void aRoleWriteDoesNotWaitBehindAnUnansweredPoll() throws Exception {
        OpcUaLink link = connectedLink(false);
        boolean shown = false;
        for (int attempt = 0; attempt < 3 && !shown; attempt++) {
            plc.faults().lose(1);
            long[] pollDone = new long[1];
            AtomicReference<LinkResult<StatusReading>> poll = new AtomicReference<>();
            Thread poller = Thread.ofPlatform().start(() -> {
                poll.set(link.readStatusForControl());
                pollDone[0] = System.nanoTime();
            });
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> plc.snapshot().faults().stream().noneMatch(f -> f.startsWith("lose")));
            long start = System.nanoTime();
            LinkResult<StatusReading> write = link.writeRole(RuntimeRole.ACTIVE);
            long writeDone = System.nanoTime();
            poller.join();
            if (poll.get() instanceof LinkResult.Failed<StatusReading> lost && lost.error() == LinkError.TIMEOUT) {
                // The lost request was the poll (not one of Milo's keep-alives).
                assertThat(ok(write).role()).isEqualTo(RuntimeRole.ACTIVE);
                assertThat(writeDone).isLessThan(pollDone[0]);
                assertThat(Duration.ofNanos(writeDone - start)).isLessThan(TIMEOUT);
                shown = true;
            }
        }
        assertThat(shown).as("a poll was lost while the role was written").isTrue();
    }

    /**
     * Not a timed assertion: the figure, at the gateway's default 15 ms response timeout (which
     * makes the subscription publish every 10 ms).
     */
    @Test
    void readStatusLatency() {
        Duration timeout = FailoverPolicy.defaults().responseTimeout();
        OpcUaLink polled = link(plc, false, gateway, timeout);
        await().atMost(WAIT).until(polled::connected);
        long[] read = new long[2000];
        for (int i = 0; i < read.length; i++) {
            read[i] = polled.readStatus() instanceof LinkResult.Ok<StatusReading> ok ? ok.latencyNanos() : -1;
        }
        OpcUaLink subscribed = link(plc, true, gateway, timeout);
        await().atMost(WAIT).until(subscribed::subscribed);
        long[] latency = new long[250];
        long[] call = new long[latency.length];
        long pushedBefore = subscribed.statusPushed();
        for (int i = 0; i < latency.length; i++) {
            long start = System.nanoTime();
            latency[i] = subscribed.readStatus() instanceof LinkResult.Ok<StatusReading> ok ? ok.latencyNanos() : -1;
            call[i] = System.nanoTime() - start;
            // Pacing at the poll period, not synchronisation.
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        org.slf4j.LoggerFactory.getLogger(OpcUaLinkIT.class)
                .warn(
                        "readStatus over OPC UA (Basic256Sha256, SignAndEncrypt, loopback, 15 ms timeout): Read round"
                                + " trip median {} p99 {} ms over {} calls ({} failed); with subscription, every 20 ms:"
                                + " {} of {} answered from it, reported latency (age) median {} p99 {} ms, call median"
                                + " {} p99 {} ms ({} failed)",
                        ms(percentile(read, 50)),
                        ms(percentile(read, 99)),
                        read.length,
                        java.util.Arrays.stream(read).filter(l -> l < 0).count(),
                        subscribed.statusPushed() - pushedBefore,
                        latency.length,
                        ms(percentile(latency, 50)),
                        ms(percentile(latency, 99)),
                        ms(percentile(call, 50)),
                        ms(percentile(call, 99)),
                        java.util.Arrays.stream(latency).filter(l -> l < 0).count());
    }

    static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
