package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.TestPki;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.command.CommandResult;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.events.EventDetail;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.MirrorDetail;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.modbus.ModbusLink;
import dev.failover.gateway.mirror.StateMirror;
import dev.failover.testkit.SimPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication never spreads a change nobody authorised (issue 13, part B), with real controllers over
 * Modbus/TCP Security: an intruder holding a certificate of role {@code gateway} writes the level
 * setpoint straight to the active controller, 50 % to 95 %, past the gateway. The standby must keep
 * 50 %, the change must be raised, and a failover right after must land on 50 %, as an independent
 * reader of both controllers sees. Signed writes and a planned switchover raise nothing.
 */
@Timeout(90)
class UnauthorisedChangeIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int LEVEL_SP = 20;

    @TempDir
    static Path pkiDir;

    private static TestPki pki;

    @TempDir
    Path stateDir;

    private SimPair pair;
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    /** The intruder's connections, and the independent reader's: the same certificate of role gateway. */
    private final Map<String, ModbusLink> direct = new HashMap<>();

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    @BeforeEach
    void start() throws Exception {
        pair = SimPair.startSecure(
                FailoverPolicy.defaults().withHoldDown(Duration.ZERO),
                true,
                events::add,
                pki,
                stateDir,
                c -> c.withSecurity(c.security()
                        .withPosture(dev.failover.gateway.config.PostureConfig.defaults()
                                .withPeriod(Duration.ofMillis(500)))));
        SSLContext stolen = pki.tlsContext(pki.gateway("intruder", "gateway"));
        for (String id : List.of(SimPair.A, SimPair.B)) {
            direct.put(
                    id,
                    new ModbusLink(
                            "intruder-" + id,
                            new ModbusEndpoint("127.0.0.1", pair.plc(id).modbusPort(), 1),
                            StatusRegisters.defaults(),
                            Duration.ofMillis(500),
                            Duration.ofMillis(100),
                            Ticker.system(),
                            stolen));
        }
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
        assertThat(signedWrite(50.0).outcome()).isEqualTo(CommandResult.Outcome.DONE);
        await().atMost(WAIT)
                .until(() -> setpoint(SimPair.B) == 5000 && mirror().status().inSync());
    }

    @AfterEach
    void stop() {
        direct.values().forEach(ModbusLink::close);
        if (pair != null) {
            pair.close();
        }
    }

    private StateMirror mirror() {
        return pair.supervisor().mirror();
    }

    private CommandResult signedWrite(double value) {
        return pair.gateway()
                .commands()
                .writeTagAsUser(SimPair.PAIR, "level_setpoint", value, "CN=alice", "operator", "UnauthorisedChangeIT");
    }

    /** The controller's setpoint in 0.01 %, read directly, not through the gateway; -1 if unreadable. */
    private int setpoint(String id) {
        return direct.get(id).readRegisters(LEVEL_SP, 1) instanceof LinkResult.Ok<int[]> ok ? ok.value()[0] : -1;
    }

    private <T extends EventDetail> List<T> details(Class<T> kind) {
        return events.stream()
                .map(GatewayEvent::detail)
                .filter(kind::isInstance)
                .map(kind::cast)
                .toList();
    }

    private void intruderWrites(int raw) {
        assertThat(direct.get(SimPair.A)
                        .writeRegisters(LEVEL_SP, new int[] {raw})
                        .isOk())
                .as("the controller takes a write from any certificate of role gateway")
                .isTrue();
    }

    @Test
    void aSetpointWrittenPastTheGatewayNeverReachesTheStandbyAndAFailoverLandsOnTheAuthorisedValue() {
        intruderWrites(9500);

        await().atMost(WAIT)
                .until(() -> !details(MirrorDetail.UnauthorisedChange.class).isEmpty());
        MirrorDetail.UnauthorisedChange alarm =
                details(MirrorDetail.UnauthorisedChange.class).getFirst();
        assertThat(alarm.tag()).isEqualTo("level_setpoint");
        assertThat(alarm.authorised()).isEqualTo(50.0);
        assertThat(alarm.found()).isEqualTo(95.0);
        assertThat(alarm.active()).isEqualTo(SimPair.A);
        assertThat(alarm.technique()).isEqualTo("T0836");
        await().atMost(WAIT)
                .until(() -> details(dev.failover.gateway.events.SecurityDetail.Anomaly.class).stream()
                        .anyMatch(a -> a.rule().equals("foreignWriter")));
        assertThat(details(dev.failover.gateway.events.SecurityDetail.ControllerWrittenByOther.class))
                .first()
                .satisfies(w -> assertThat(w.writer()).hasSize(64).matches("[0-9a-f]+"));
        long seen = mirror().status().cycles();
        await().atMost(WAIT).until(() -> mirror().status().cycles() >= seen + 5);
        assertThat(setpoint(SimPair.B))
                .as("the standby keeps the authorised value")
                .isEqualTo(5000);
        assertThat(mirror().status().unauthorised()).containsOnlyKeys("level_setpoint");
        assertThat(mirror().status().inSync()).isFalse();

        pair.plc(SimPair.A).faults().crash();

        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        assertThat(setpoint(SimPair.B))
                .as("the new active runs on the authorised setpoint")
                .isEqualTo(5000);

        pair.plc(SimPair.A).faults().clear();
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.B));
        await().atMost(WAIT).until(() -> setpoint(SimPair.A) == 5000);
        await().atMost(WAIT)
                .until(() ->
                        !details(MirrorDetail.UnauthorisedChangeCleared.class).isEmpty());
        assertThat(mirror().status().unauthorised()).isEmpty();
    }

    @Test
    void aSignedWriteAcceptsTheChangedValueAndOnlyThenIsItMirrored() {
        intruderWrites(9500);
        await().atMost(WAIT)
                .until(() -> !details(MirrorDetail.UnauthorisedChange.class).isEmpty());
        assertThat(setpoint(SimPair.B)).isEqualTo(5000);

        CommandResult accepted = signedWrite(95.0);

        assertThat(accepted.outcome()).as(accepted.toString()).isEqualTo(CommandResult.Outcome.DONE);
        await().atMost(WAIT)
                .until(() ->
                        !details(MirrorDetail.UnauthorisedChangeCleared.class).isEmpty());
        assertThat(setpoint(SimPair.B)).isEqualTo(9500);
        await().atMost(WAIT).until(() -> mirror().status().inSync());
    }

    /** Waits until each controller has been probed {@code n} more times. */
    private void awaitProbes(int n) {
        var posture = pair.gateway().posture();
        java.util.Map<String, java.time.Instant> last = new java.util.HashMap<>();
        for (String id : List.of(SimPair.A, SimPair.B)) {
            await().atMost(WAIT)
                    .until(() -> posture.status(SimPair.PAIR).controllers().containsKey(id));
            last.put(id, posture.status(SimPair.PAIR).controllers().get(id).probedAt());
        }
        for (int i = 0; i < n; i++) {
            for (String id : List.of(SimPair.A, SimPair.B)) {
                java.time.Instant before = last.get(id);
                await().atMost(WAIT)
                        .until(() -> posture.status(SimPair.PAIR)
                                .controllers()
                                .get(id)
                                .probedAt()
                                .isAfter(before));
                last.put(id, posture.status(SimPair.PAIR).controllers().get(id).probedAt());
            }
        }
    }

    @Test
    void aWriteHiddenBehindALaterGatewayWriteIsStillCountedAsSomeoneElses() {
        awaitProbes(1);

        intruderWrites(6000);
        CommandResult done = signedWrite(50.0);
        assertThat(done.outcome()).as(done.toString()).isEqualTo(CommandResult.Outcome.DONE);

        await().atMost(WAIT)
                .until(() -> !details(dev.failover.gateway.events.SecurityDetail.UnexplainedWrites.class)
                        .isEmpty());
        var unexplained = details(dev.failover.gateway.events.SecurityDetail.UnexplainedWrites.class);
        assertThat(unexplained)
                .singleElement()
                .satisfies(u -> assertThat(u.writes()).isEqualTo(1));
        assertThat(events)
                .anyMatch(e -> e.controller().equals(SimPair.A)
                        && e.detail() instanceof dev.failover.gateway.events.SecurityDetail.UnexplainedWrites);
        await().atMost(WAIT)
                .until(() -> details(dev.failover.gateway.events.SecurityDetail.Anomaly.class).stream()
                        .anyMatch(a -> a.rule().equals("foreignWriter")));
    }

    @Test
    void signedWritesAndAPlannedSwitchoverRaiseNothing() throws Exception {
        for (int i = 0; i < 20; i++) {
            CommandResult done = signedWrite(40.0 + i);
            assertThat(done.outcome()).as(done.toString()).isEqualTo(CommandResult.Outcome.DONE);
        }
        assertThat(pair.supervisor()
                        .requestSwitchover("UnauthorisedChangeIT", "planned")
                        .get(15, java.util.concurrent.TimeUnit.SECONDS)
                        .ok())
                .isTrue();
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.B));
        for (int i = 0; i < 5; i++) {
            assertThat(signedWrite(70.0 + i).outcome()).isEqualTo(CommandResult.Outcome.DONE);
        }
        long seen = mirror().status().cycles();
        await().atMost(WAIT)
                .until(() -> mirror().status().cycles() >= seen + 5
                        && mirror().status().inSync());

        awaitProbes(2);
        assertThat(details(MirrorDetail.UnauthorisedChange.class)).isEmpty();
        assertThat(details(dev.failover.gateway.events.SecurityDetail.UnexplainedWrites.class))
                .as("every write the controllers counted was the gateway's")
                .isEmpty();
        assertThat(details(dev.failover.gateway.events.SecurityDetail.ControllerWrittenByOther.class))
                .isEmpty();
        assertThat(setpoint(SimPair.A)).isEqualTo(7400);
        assertThat(setpoint(SimPair.B)).isEqualTo(7400);
    }
}
