package dev.failover.gateway.scada;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ServiceLevel of a pair and of the gateway (OPC UA Part 4 §6.6.2.4.2): 0 maintenance, 1 no
 * data, 2-199 degraded, 200-255 healthy. A client that compares servers reads only this byte, so each
 * case must land in its subrange and the cases must order by how much service is left.
 */
class ServiceLevelsTest {

    private static final String ACTIVE = "plc-a";
    private static final String STANDBY = "plc-b";

    private static Health health(String id, Condition condition, RuntimeRole role, RunStatus status) {
        return new Health(
                id,
                condition,
                condition != Condition.FAILED,
                role,
                status,
                role == RuntimeRole.ACTIVE,
                7,
                1_000_000,
                0,
                Long.MIN_VALUE,
                condition == Condition.SUSPECT || condition == Condition.FAILED ? 1 : 0,
                "",
                0);
    }

    private static Health active(Condition condition) {
        return health(ACTIVE, condition, RuntimeRole.ACTIVE, RunStatus.RUN);
    }

    private static Health readyStandby() {
        return health(STANDBY, Condition.HEALTHY, RuntimeRole.STANDBY, RunStatus.RUN);
    }

    private static PairStatus status(PairState state, String activeId, Health activeHealth, Alarm... alarms) {
        Map<String, Health> health = new HashMap<>();
        if (activeHealth != null) {
            health.put(activeHealth.controllerId(), activeHealth);
        }
        health.put(STANDBY, readyStandby());
        Map<Alarm, String> raised = new EnumMap<>(Alarm.class);
        for (Alarm alarm : alarms) {
            raised.put(alarm, "test");
        }
        return new PairStatus(state, activeId, health, raised, Set.of(), null, 0, 0, List.of());
    }

    private static PairStatus steady(PairState state, Alarm... alarms) {
        return status(state, ACTIVE, active(Condition.HEALTHY), alarms);
    }

    @Test
    void theLevelsSitInTheirPart4Subranges() {
        assertThat(ServiceLevels.MAINTENANCE).isZero();
        assertThat(ServiceLevels.NO_DATA).isEqualTo(1);
        assertThat(List.of(
                        ServiceLevels.SWITCHING,
                        ServiceLevels.BLOCKED,
                        ServiceLevels.UNPROTECTED,
                        ServiceLevels.ACTIVE_SUSPECT))
                .allSatisfy(level -> assertThat(level).isBetween(2, 199));
        assertThat(List.of(ServiceLevels.PROTECTED_WITH_ALARM, ServiceLevels.PROTECTED))
                .allSatisfy(level -> assertThat(level).isBetween(200, 255));
        // Ordered by how much of the service is left.
        assertThat(List.of(
                        ServiceLevels.NO_DATA,
                        ServiceLevels.SWITCHING,
                        ServiceLevels.BLOCKED,
                        ServiceLevels.UNPROTECTED,
                        ServiceLevels.ACTIVE_SUSPECT,
                        ServiceLevels.PROTECTED_WITH_ALARM,
                        ServiceLevels.PROTECTED))
                .isSorted();
    }

    @Test
    void aHealthyActiveWithAReadyStandbyAndNoAlarmIsFullService() {
        assertThat(ServiceLevels.of(steady(PairState.PROTECTED))).isEqualTo(255);
    }

    @Test
    void aRaisedAlarmLowersProtectedToProtectedWithAlarm() {
        assertThat(ServiceLevels.of(steady(PairState.PROTECTED, Alarm.SWITCHOVER_STORM)))
                .isEqualTo(ServiceLevels.PROTECTED_WITH_ALARM);
    }

    @Test
    void withoutAReadyStandbyTheServiceIsUnprotected() {
        assertThat(ServiceLevels.of(steady(PairState.UNPROTECTED, Alarm.STANDBY_UNAVAILABLE)))
                .isEqualTo(ServiceLevels.UNPROTECTED);
    }

    @Test
    void aBlockedPairWhoseActiveStillServesIsBlocked() {
        // E.g. a planned switchover that could not break: the old active keeps running.
        assertThat(ServiceLevels.of(steady(PairState.BLOCKED, Alarm.SWITCHOVER_FAILED)))
                .isEqualTo(ServiceLevels.BLOCKED);
    }

    @Test
    void aSwitchoverServesLastValuesWhateverTheActivesHealth() {
        assertThat(ServiceLevels.of(steady(PairState.SWITCHING))).isEqualTo(ServiceLevels.SWITCHING);
        assertThat(ServiceLevels.of(status(PairState.SWITCHING, ACTIVE, active(Condition.FAILED))))
                .isEqualTo(ServiceLevels.SWITCHING);
        assertThat(ServiceLevels.of(status(PairState.SWITCHING, null, null))).isEqualTo(ServiceLevels.SWITCHING);
    }

    @Test
    void anActiveThatMissedAPollIsSuspect() {
        assertThat(ServiceLevels.of(status(PairState.PROTECTED, ACTIVE, active(Condition.SUSPECT))))
                .isEqualTo(ServiceLevels.ACTIVE_SUSPECT);
        assertThat(ServiceLevels.of(
                        status(PairState.PROTECTED, ACTIVE, active(Condition.SUSPECT), Alarm.SWITCHOVER_STORM)))
                .isEqualTo(ServiceLevels.ACTIVE_SUSPECT);
    }

    @ParameterizedTest
    @EnumSource(
            value = PairState.class,
            names = {"UNPROTECTED", "BLOCKED"})
    void aSuspectActiveNeverRaisesTheLevelOfAWorseState(PairState state) {
        int healthy = ServiceLevels.of(steady(state));

        assertThat(ServiceLevels.of(status(state, ACTIVE, active(Condition.SUSPECT))))
                .isLessThanOrEqualTo(healthy);
    }

    @Test
    void noActiveMeansNoData() {
        assertThat(ServiceLevels.of(status(PairState.DISCOVERING, null, null))).isEqualTo(ServiceLevels.NO_DATA);
        assertThat(ServiceLevels.of(status(PairState.BLOCKED, null, null))).isEqualTo(ServiceLevels.NO_DATA);
    }

    @Test
    void anActiveWithoutAHealthEntryMeansNoData() {
        assertThat(ServiceLevels.of(status(PairState.PROTECTED, ACTIVE, null))).isEqualTo(ServiceLevels.NO_DATA);
    }

    @ParameterizedTest
    @EnumSource(
            value = PairState.class,
            names = {"PROTECTED", "UNPROTECTED", "BLOCKED"})
    void aFailedOrUnknownActiveMeansNoData(PairState state) {
        assertThat(ServiceLevels.of(status(state, ACTIVE, active(Condition.FAILED))))
                .isEqualTo(ServiceLevels.NO_DATA);
        assertThat(ServiceLevels.of(status(state, ACTIVE, active(Condition.UNKNOWN))))
                .isEqualTo(ServiceLevels.NO_DATA);
    }

    @ParameterizedTest
    @EnumSource(
            value = RunStatus.class,
            names = {"INIT", "STOP", "FAULT", "UNKNOWN"})
    void anActiveThatIsNotRunningMeansNoData(RunStatus notRunning) {
        Health stopped = health(ACTIVE, Condition.HEALTHY, RuntimeRole.ACTIVE, notRunning);

        assertThat(ServiceLevels.of(status(PairState.PROTECTED, ACTIVE, stopped)))
                .isEqualTo(ServiceLevels.NO_DATA);
    }

    @Test
    void anActiveThatNoLongerReportsActiveMeansNoData() {
        Health demoted = health(ACTIVE, Condition.HEALTHY, RuntimeRole.STANDBY, RunStatus.RUN);

        assertThat(ServiceLevels.of(status(PairState.PROTECTED, ACTIVE, demoted)))
                .isEqualTo(ServiceLevels.NO_DATA);
    }

    @Test
    void theGatewayIsAsGoodAsItsWorstPair() {
        PairStatus full = steady(PairState.PROTECTED);
        PairStatus unprotected = steady(PairState.UNPROTECTED);
        PairStatus switching = steady(PairState.SWITCHING);

        assertThat(ServiceLevels.ofGateway(List.of(full))).isEqualTo(ServiceLevels.PROTECTED);
        assertThat(ServiceLevels.ofGateway(List.of(full, unprotected))).isEqualTo(ServiceLevels.UNPROTECTED);
        assertThat(ServiceLevels.ofGateway(List.of(unprotected, full, switching)))
                .isEqualTo(ServiceLevels.SWITCHING);
        assertThat(ServiceLevels.ofGateway(List.of(full, status(PairState.DISCOVERING, null, null))))
                .isEqualTo(ServiceLevels.NO_DATA);
    }

    @Test
    void aGatewayWithoutPairsServesNoData() {
        assertThat(ServiceLevels.ofGateway(List.of())).isEqualTo(ServiceLevels.NO_DATA);
    }
}
