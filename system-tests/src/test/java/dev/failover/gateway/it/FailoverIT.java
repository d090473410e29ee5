package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.TestPki;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.SwitchoverKind;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.plcsim.FaultInjector;
import dev.failover.plcsim.Role;
import dev.failover.testkit.FaultType;
import dev.failover.testkit.SimPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two real plc-sim controllers and the gateway over loopback Modbus TCP: every fault type makes the
 * standby active, the old active is demoted when it returns, and at no sampled instant are both
 * controllers active in the process.
 */
@Timeout(60)
class FailoverIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private SimPair pair;
    private PairWatcher watcher;
    private final List<SwitchoverReport> reports = new CopyOnWriteArrayList<>();

    private void start(FailoverPolicy policy, boolean fences) throws Exception {
        pair = SimPair.start(policy, fences, e -> {});
        pair.supervisor().onSwitchover(reports::add);
        watcher = new PairWatcher(pair);
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
    }

    @AfterEach
    void stop() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    private FaultInjector faultsOf(String id) {
        return pair.plc(id).faults();
    }

    @ParameterizedTest
    @EnumSource(FaultType.class)
    void eachFaultMakesTheStandbyActiveAndTheOldActiveReturnsAsStandby(FaultType fault) throws Exception {
        start(FailoverPolicy.defaults(), true);

        fault.inject(faultsOf(SimPair.A));

        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        assertThat(pair.plc(SimPair.B).snapshot().role()).isEqualTo(Role.ACTIVE);
        SwitchoverReport report = reports.getFirst();
        assertThat(report.kind()).isEqualTo(SwitchoverKind.FAILOVER);
        assertThat(report.ok()).isTrue();

        faultsOf(SimPair.A).clear();

        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.B));
        assertThat(pair.plc(SimPair.A).snapshot().role()).isEqualTo(Role.STANDBY);
        assertThat(pair.plc(SimPair.B).snapshot().driving()).isTrue();
        assertThat(reports).hasSize(1);
        assertThat(watcher.samples()).isGreaterThan(100);
        assertThat(watcher.violations()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(FaultType.class)
    void eachFaultFailsOverAlsoOverModbusTcpSecurity(FaultType fault, @TempDir Path dir) throws Exception {
        pair = SimPair.startSecure(FailoverPolicy.defaults(), true, e -> {}, TestPki.create(dir), dir);
        pair.supervisor().onSwitchover(reports::add);
        watcher = new PairWatcher(pair);
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
        assertThat(pair.supervisor().link(SimPair.A).secure()).isTrue();

        fault.inject(faultsOf(SimPair.A));

        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        faultsOf(SimPair.A).clear();
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.B));
        assertThat(pair.plc(SimPair.A).snapshot().role()).isEqualTo(Role.STANDBY);
        assertThat(reports).hasSize(1);
        assertThat(watcher.violations()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transient.class)
    void transientFaultsBelowTheThresholdCauseNoFailover(Transient fault) throws Exception {
        start(FailoverPolicy.defaults(), true);
        long injected = System.nanoTime();

        fault.inject.accept(faultsOf(SimPair.A));

        // Settled once the gateway has had good polls of plc-a for a good while after the fault.
        long settled = injected + Duration.ofMillis(400).toNanos();
        await().atMost(WAIT).until(() -> pair.status().health().get(SimPair.A).lastGoodNanos() > settled);
        assertThat(reports).isEmpty();
        assertThat(pair.status().activeId()).isEqualTo(SimPair.A);
        assertThat(pair.status().state()).isEqualTo(PairState.PROTECTED);
    }

    enum Transient {
        SINGLE_LOST_POLL(f -> f.lose(1)),
        STALL_40_MS(f -> f.stall(Duration.ofMillis(40))),
        ONE_CONNECTION_DROP(FaultInjector::dropOnce),
        SLOW_BELOW_TIMEOUT(f -> f.slow(Duration.ofMillis(3)));

        final Consumer<FaultInjector> inject;

        Transient(Consumer<FaultInjector> inject) {
            this.inject = inject;
        }
    }

    @Test
    void withoutAFenceAHungActiveIsNotFailedOverAndAnAlarmSaysWhy() throws Exception {
        start(FailoverPolicy.defaults(), false);

        faultsOf(SimPair.A).hang();

        await().atMost(WAIT).until(() -> pair.status().alarms().containsKey(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN));
        assertThat(pair.status().state()).isEqualTo(PairState.BLOCKED);
        assertThat(pair.plc(SimPair.B).snapshot().role()).isEqualTo(Role.STANDBY);
        assertThat(pair.status().alarms().get(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN))
                .startsWith("cannot confirm plc-a is demoted or fenced");

        faultsOf(SimPair.A).clear();

        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
        assertThat(pair.status().alarms()).doesNotContainKey(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN);
        assertThat(reports).noneMatch(SwitchoverReport::ok);
        assertThat(watcher.violations()).isEmpty();
    }

    @Test
    void bothControllersDownMeansNoPromotionAndAnAlarm() throws Exception {
        start(FailoverPolicy.defaults(), true);

        faultsOf(SimPair.B).crash();
        await().atMost(WAIT).until(() -> pair.status().state() == PairState.UNPROTECTED);
        faultsOf(SimPair.A).crash();

        await().atMost(WAIT).until(() -> pair.status().alarms().containsKey(Alarm.NO_HEALTHY_CONTROLLER));
        assertThat(pair.status().state()).isEqualTo(PairState.BLOCKED);
        assertThat(reports).isEmpty();
    }

    @Test
    void aManualSwitchoverDemotesThenPromotesAndIsRefusedWithoutAReadyStandby() throws Exception {
        start(FailoverPolicy.defaults(), true);

        SwitchoverReport done =
                pair.supervisor().requestSwitchover("test", "drill").get();

        assertThat(done.ok()).isTrue();
        assertThat(done.kind()).isEqualTo(SwitchoverKind.MANUAL);
        assertThat(pair.plc(SimPair.B).snapshot().role()).isEqualTo(Role.ACTIVE);
        assertThat(pair.plc(SimPair.A).snapshot().role()).isEqualTo(Role.STANDBY);
        assertThat(done.fenced()).isFalse();

        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.B));
        faultsOf(SimPair.A).fault();
        await().atMost(WAIT).until(() -> pair.status().state() == PairState.UNPROTECTED);

        SwitchoverReport refused =
                pair.supervisor().requestSwitchover("test", "drill").get();

        assertThat(refused.outcome()).isEqualTo(SwitchoverReport.Outcome.REFUSED);
        assertThat(refused.failure()).startsWith("standby plc-a is not ready");
        assertThat(pair.plc(SimPair.B).snapshot().role()).isEqualTo(Role.ACTIVE);
        assertThat(watcher.violations()).isEmpty();
    }
}
