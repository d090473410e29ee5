package dev.failover.gateway.box;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.hardware.LedPattern;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The LED pattern for each pair status: the table in docs/hardware.md. */
class LedMappingTest {

    private static PairStatus status(PairState state, Alarm... alarms) {
        Map<Alarm, String> raised = new EnumMap<>(Alarm.class);
        for (Alarm alarm : alarms) {
            raised.put(alarm, "test");
        }
        return new PairStatus(state, "plc-a", Map.of(), raised, Set.of(), null, 0, 0, List.of());
    }

    @ParameterizedTest
    @CsvSource({
        "DISCOVERING, OFF",
        "PROTECTED, HEALTHY",
        "UNPROTECTED, DEGRADED",
        "SWITCHING, SWITCHING",
        "BLOCKED, ALARM"
    })
    void eachStateHasItsPattern(PairState state, LedPattern pattern) {
        assertThat(LedMapping.of(status(state))).isEqualTo(pattern);
    }

    @ParameterizedTest
    @EnumSource(
            value = Alarm.class,
            names = {"SPLIT_BRAIN", "PROMOTED_UNCONFIRMED"})
    void aSplitBrainRiskShowsAlarmWhateverTheState(Alarm alarm) {
        // PROMOTED_UNCONFIRMED stays raised in UNPROTECTED after a presume-down promotion.
        assertThat(LedMapping.of(status(PairState.UNPROTECTED, alarm))).isEqualTo(LedPattern.ALARM);
        assertThat(LedMapping.of(status(PairState.PROTECTED, alarm))).isEqualTo(LedPattern.ALARM);
    }

    @Test
    void otherAlarmsLeaveTheStatePattern() {
        // STANDBY_UNAVAILABLE is what UNPROTECTED means; amber already says it.
        assertThat(LedMapping.of(status(PairState.UNPROTECTED, Alarm.STANDBY_UNAVAILABLE)))
                .isEqualTo(LedPattern.DEGRADED);
        assertThat(LedMapping.of(status(PairState.PROTECTED, Alarm.SWITCHOVER_STORM)))
                .isEqualTo(LedPattern.HEALTHY);
    }
}
