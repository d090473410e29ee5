package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.modbus.ModbusLink;
import dev.failover.gateway.mirror.MirrorStatus;
import dev.failover.gateway.mirror.MirrorWrite;
import dev.failover.gateway.mirror.Rejection;
import dev.failover.gateway.mirror.StateMirror;
import dev.failover.plcsim.Role;
import dev.failover.testkit.SimPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The state mirror against two real plc-sim controllers over loopback Modbus TCP: the pair's mirrored
 * {@code level_setpoint} (register 20) is copied from the active to the standby, a corrupted value is
 * not (safety rule 5), the lag is measured, and no write ever reaches the active or lands during a
 * switchover (safety rule 1). A setpoint "changed by the PLC itself" is written with a direct Modbus
 * connection to the controller, past the gateway.
 */
@Timeout(60)
class MirrorIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int LEVEL_SP = 20;

    private SimPair pair;
    private final Map<String, ModbusLink> direct = new java.util.HashMap<>();
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    /** State changes and mirror writes, in the order they happened: the log the switchover checks read. */
    private final List<String> timeline = new CopyOnWriteArrayList<>();

    private final List<MirrorWrite> writes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        pair = SimPair.start(FailoverPolicy.defaults(), true, event -> {
            events.add(event);
            if (event.type().equals("PAIR_STATE")) {
                timeline.add("STATE " + event.fields().get("to"));
            }
        });
        mirror().onWrite(write -> {
            writes.add(write);
            // Called while switchovers wait: the controller's role now is its role during the write.
            timeline.add("WRITE to=" + write.to() + " role="
                    + pair.plc(write.to()).snapshot().role());
        });
        for (String id : List.of(SimPair.A, SimPair.B)) {
            direct.put(
                    id,
                    new ModbusLink(
                            "direct-" + id,
                            new ModbusEndpoint("127.0.0.1", pair.plc(id).modbusPort(), 1),
                            StatusRegisters.defaults(),
                            Duration.ofMillis(500),
                            Duration.ofMillis(50),
                            Ticker.system()));
        }
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
        await().atMost(WAIT).until(() -> mirror().status().inSync());
    }

    @AfterEach
    void stop() {
        direct.values().forEach(ModbusLink::close);
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void aSetpointChangedOnTheActiveReachesTheStandbyWithinTwoPeriods() {
        Duration period = mirror().period();
        assertThat(setpoint(SimPair.B)).isEqualTo(5000);

        long changed = System.nanoTime();
        write(SimPair.A, 6500);

        await().atMost(period.multipliedBy(2).plusMillis(100))
                .pollInterval(Duration.ofMillis(2))
                .until(() -> setpoint(SimPair.B) == 6500);
        long copiedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
        assertThat(copiedAfterMs).isLessThanOrEqualTo(period.multipliedBy(2).toMillis());
        await().atMost(WAIT).until(() -> mirror().status().inSync());
        MirrorStatus status = mirror().status();
        assertThat(status.lagMillis()).isZero();
        assertThat(status.lagCycles()).isZero();
        assertThat(status.valuesCopied()).isEqualTo(1);
        assertThat(setpoint(SimPair.A)).isEqualTo(6500);
        assertThat(writes).containsExactly(new MirrorWrite(SimPair.A, SimPair.B, Map.of("level_setpoint", 65.0), true));
    }

    @Test
    void aCorruptedSetpointOnTheActiveIsNotMirroredRaisesAnAlarmAndTheStandbyKeepsTheGoodValue() {
        write(SimPair.A, 6500);
        await().atMost(WAIT).until(() -> setpoint(SimPair.B) == 6500);

        pair.plc(SimPair.A).faults().corruptSetpoints();

        await().atMost(WAIT).until(() -> !events("MIRROR_REJECTED").isEmpty());
        GatewayEvent alarm = events("MIRROR_REJECTED").getFirst();
        assertThat(alarm.pair()).isEqualTo(SimPair.PAIR);
        assertThat(alarm.controller()).isEqualTo(SimPair.A);
        assertThat(alarm.fields()).containsEntry("tag", "level_setpoint").containsEntry("rule", "BOUNDS");
        assertThat((Double) alarm.fields().get("value")).isGreaterThanOrEqualTo(409.6);
        long seen = mirror().status().cycles();
        await().atMost(WAIT).until(() -> mirror().status().cycles() >= seen + 3);
        MirrorStatus rejecting = mirror().status();
        assertThat(rejecting.rejected()).containsOnlyKeys("level_setpoint");
        assertThat(rejecting.rejected().get("level_setpoint").rule()).isEqualTo(Rejection.Rule.BOUNDS);
        assertThat(rejecting.inSync()).isFalse();
        assertThat(setpoint(SimPair.B)).as("the standby keeps the good value").isEqualTo(6500);
        assertThat(events("MIRROR_REJECTED")).as("raised once, not every cycle").hasSize(1);

        pair.plc(SimPair.A).faults().clear();

        await().atMost(WAIT).until(() -> !events("MIRROR_REJECTION_CLEARED").isEmpty());
        await().atMost(WAIT).until(() -> mirror().status().inSync());
        assertThat(mirror().status().rejected()).isEmpty();
        assertThat(setpoint(SimPair.B)).isEqualTo(6500);
        assertThat(writes).extracting(w -> w.values().get("level_setpoint")).containsOnly(65.0);
    }

    @Test
    void lagIsZeroInSyncGrowsWhileTheStandbyIsDownAndIsZeroAgainOnceItCaughtUp() {
        Duration period = mirror().period();
        assertThat(mirror().status().lagMillis()).isZero();

        pair.plc(SimPair.B).faults().crash();
        write(SimPair.A, 7000);

        await().atMost(WAIT).until(() -> mirror().status().lagCycles() >= 3);
        MirrorStatus behind = mirror().status();
        assertThat(behind.inSync()).isFalse();
        assertThat(behind.lagMillis())
                .isGreaterThanOrEqualTo(period.multipliedBy(2).toMillis());
        assertThat(behind.why()).contains("plc-b");
        await().atMost(WAIT).until(() -> mirror().status().lagMillis() > behind.lagMillis());
        assertThat(events("MIRROR_LAGGING")).hasSize(1);

        pair.plc(SimPair.B).faults().clear();

        await().atMost(WAIT).until(() -> setpoint(SimPair.B) == 7000);
        await().atMost(WAIT).until(() -> mirror().status().inSync());
        assertThat(mirror().status().lagMillis()).isZero();
        assertThat(mirror().status().lagCycles()).isZero();
        GatewayEvent back = events("MIRROR_IN_SYNC").getLast();
        assertThat((Long) back.fields().get("lagMs")).isGreaterThanOrEqualTo(behind.lagMillis());
    }

    @Test
    void afterAFailoverTheNewStandbyIsMirroredFromTheNewActiveAndTheActiveIsNeverWritten() {
        write(SimPair.A, 6500);
        await().atMost(WAIT).until(() -> setpoint(SimPair.B) == 6500);

        pair.plc(SimPair.A).faults().crash();
        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        write(SimPair.B, 3000);
        // plc-a restarts in its retained role ACTIVE: it is demoted, and only then mirrored to.
        pair.plc(SimPair.A).faults().clear();

        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.B));
        await().atMost(WAIT).until(() -> setpoint(SimPair.A) == 3000);
        assertThat(setpoint(SimPair.B)).isEqualTo(3000);
        assertThat(writes.getLast())
                .isEqualTo(new MirrorWrite(SimPair.B, SimPair.A, Map.of("level_setpoint", 30.0), true));
        assertNoWriteToAnActiveNorDuringASwitchover();
    }

    @Test
    void aSwitchoverWhileTheActiveKeepsChangingItsSetpointGetsNoMirrorWrite() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread plcProgram = Thread.ofPlatform().name("setpoint-ramp").start(() -> {
            int value = 4000;
            while (running.get()) {
                // The setpoint the active's own program moves, so that nearly every cycle writes.
                String active = pair.plc(SimPair.A).snapshot().role() == Role.ACTIVE ? SimPair.A : SimPair.B;
                write(active, value);
                value = value >= 6000 ? 4000 : value + 1;
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
        });
        try {
            await().atMost(WAIT).until(() -> writes.size() >= 3);

            SwitchoverReport report = pair.supervisor()
                    .requestSwitchover("test", "switchover under mirroring")
                    .get(10, TimeUnit.SECONDS);
            assertThat(report.ok()).as(report.toString()).isTrue();
            await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.B));
            long before = countWritesTo(SimPair.A);
            await().atMost(WAIT).until(() -> countWritesTo(SimPair.A) >= before + 3);
        } finally {
            running.set(false);
            plcProgram.join(5_000);
        }

        await().atMost(WAIT).until(() -> setpoint(SimPair.A) == setpoint(SimPair.B));
        assertThat(writes).extracting(MirrorWrite::to).contains(SimPair.B, SimPair.A);
        assertNoWriteToAnActiveNorDuringASwitchover();
    }

    // ---- helpers --------------------------------------------------------------------------------

    /**
     * Every mirror write went to a controller that was a STANDBY at that moment, and none came
     * between a change to SWITCHING (or any state but PROTECTED and UNPROTECTED) and the next
     * steady state.
     */
    private void assertNoWriteToAnActiveNorDuringASwitchover() {
        List<String> log = new ArrayList<>(timeline);
        assertThat(log).anyMatch(line -> line.equals("STATE SWITCHING"));
        assertThat(log).filteredOn(line -> line.startsWith("WRITE")).allMatch(line -> line.endsWith("role=STANDBY"));
        boolean steady = true;
        for (String line : log) {
            if (line.startsWith("STATE ")) {
                steady = line.equals("STATE PROTECTED") || line.equals("STATE UNPROTECTED");
            } else {
                assertThat(steady)
                        .as("%s while the pair was not steady, in %s", line, log)
                        .isTrue();
            }
        }
    }

    private long countWritesTo(String id) {
        return writes.stream().filter(w -> w.to().equals(id)).count();
    }

    private StateMirror mirror() {
        return pair.supervisor().mirror();
    }

    private List<GatewayEvent> events(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    /** Writes {@code LEVEL_SP} on the controller directly, as its own program would change it. */
    private void write(String id, int raw) {
        LinkResult<int[]> written = direct.get(id).writeRegisters(LEVEL_SP, new int[] {raw});
        assertThat(written.isOk()).as("direct write to %s: %s", id, written).isTrue();
    }

    private int setpoint(String id) {
        LinkResult<int[]> read = direct.get(id).readRegisters(LEVEL_SP, 1);
        assertThat(read.isOk()).as("direct read of %s: %s", id, read).isTrue();
        return ((LinkResult.Ok<int[]>) read).value()[0];
    }
}
