package dev.failover.gateway.failover;

import static dev.failover.gateway.failover.Harness.A;
import static dev.failover.gateway.failover.Harness.B;
import static dev.failover.gateway.failover.Harness.demote;
import static dev.failover.gateway.failover.Harness.healthy;
import static dev.failover.gateway.failover.Harness.promote;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.FailoverPolicy.FailbackMode;
import dev.failover.gateway.link.RuntimeRole;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The posture verdict as an input of the failover core (issue 13, part A): a standby less secure than
 * required raises STANDBY_LESS_SECURE and is refused as a planned switchover's or failback's target;
 * a real failure still fails over to it; the alarm follows the controller that is the standby.
 */
class PostureInputTest {

    private static final String WEAK = "cipherSuites: accepts 8 weak cipher suite(s) the active does not";

    private static void judged(Harness h, String id, String weakness) {
        assertThat(h.fsm.handle(new Input.PostureJudged(id, weakness))).isEmpty();
    }

    @Test
    void aPlannedSwitchoverToALessSecureStandbyIsRefusedWithTheReasonUntilParityReturns() {
        Harness h = new Harness().protectedWithAActive();

        judged(h, B, WEAK);

        assertThat(h.fsm.status().alarms()).containsEntry(Alarm.STANDBY_LESS_SECURE, "standby plc-b: " + WEAK);
        assertThat(h.request("r1")).isEmpty();
        assertThat(h.reports.getLast().outcome()).isEqualTo(SwitchoverReport.Outcome.REFUSED);
        assertThat(h.reports.getLast().failure()).isEqualTo("standby plc-b is less secure than required: " + WEAK);

        judged(h, B, "");

        assertThat(h.fsm.status().alarms()).doesNotContainKey(Alarm.STANDBY_LESS_SECURE);
        assertThat(h.request("r2")).containsExactly(demote(A));
    }

    @Test
    void aRealFailureStillFailsOverToItAndTheAlarmThenConcernsTheNewStandby() {
        Harness h = new Harness().protectedWithAActive();
        judged(h, B, WEAK);

        h.failover(A, B);

        assertThat(h.active()).isEqualTo(B);
        assertThat(h.fsm.status().alarms())
                .as("plc-a, the standby now, has no weakness")
                .doesNotContainKey(Alarm.STANDBY_LESS_SECURE);
    }

    @Test
    void afterAFailoverToAWeakerStandbyTheActiveIsInHeightenedModeUntilParityReturns() {
        Harness h = new Harness().protectedWithAActive();
        judged(h, B, WEAK);

        h.failover(A, B);

        assertThat(h.fsm.status().alarms())
                .as("the weakness recorded for plc-b now concerns the active")
                .containsEntry(Alarm.ACTIVE_LESS_SECURE, "active plc-b: " + WEAK);
        judged(h, B, "");
        assertThat(h.fsm.status().alarms()).doesNotContainKey(Alarm.ACTIVE_LESS_SECURE);
    }

    @Test
    void aSignedWaiverEndsTheHeightenedModeUntilTheFindingsChange() {
        Harness h = new Harness().protectedWithAActive();
        judged(h, B, WEAK);
        h.failover(A, B);
        assertThat(h.fsm.status().alarms()).containsKey(Alarm.ACTIVE_LESS_SECURE);

        assertThat(h.fsm.handle(new Input.PostureWaived("CN=erin", "vendor patch due Friday")))
                .isEmpty();
        assertThat(h.fsm.status().alarms()).doesNotContainKey(Alarm.ACTIVE_LESS_SECURE);

        judged(h, B, WEAK);
        assertThat(h.fsm.status().alarms())
                .as("the same findings stay waived")
                .doesNotContainKey(Alarm.ACTIVE_LESS_SECURE);
        judged(h, B, WEAK + "; plainModbus: answers plain Modbus TCP");
        assertThat(h.fsm.status().alarms()).as("a new finding is not waived").containsKey(Alarm.ACTIVE_LESS_SECURE);

        judged(h, B, WEAK);
        assertThat(h.fsm.handle(new Input.PostureWaived("CN=erin", "until Friday")))
                .isEmpty();
        assertThat(h.fsm.status().alarms()).doesNotContainKey(Alarm.ACTIVE_LESS_SECURE);
        judged(h, B, "");
        judged(h, B, WEAK);
        assertThat(h.fsm.status().alarms())
                .as("once parity returned, the same findings are new again")
                .containsKey(Alarm.ACTIVE_LESS_SECURE);
    }

    @Test
    void withOnFailureBlockARealFailureDoesNotPromoteAStandbyBelowTheBaseline() {
        Harness h = new Harness().protectedWithAActive();
        assertThat(h.fsm.handle(new Input.PostureJudged(B, "plainModbus: answers plain Modbus TCP", true)))
                .isEmpty();

        assertThat(h.health(Harness.faulted(A, RuntimeRole.ACTIVE))).isEmpty();

        assertThat(h.state())
                .as("the faulted active drives nothing and the standby is held back: the price of block")
                .isEqualTo(PairState.UNDRIVEN);
        assertThat(h.fsm.status().alarms()).containsKeys(Alarm.STANDBY_BELOW_BASELINE, Alarm.NO_DRIVER);
        assertThat(h.fsm.status().alarms().get(Alarm.STANDBY_BELOW_BASELINE))
                .contains("misses the security baseline (plainModbus: answers plain Modbus TCP)");

        // Hardened again: the failover goes ahead.
        assertThat(h.fsm.handle(new Input.PostureJudged(B, "", false))).isEmpty();
        assertThat(h.fsm.status().alarms()).doesNotContainKey(Alarm.STANDBY_BELOW_BASELINE);
        h.advance(Duration.ofSeconds(1));
        assertThat(h.health(Harness.faulted(A, RuntimeRole.ACTIVE))).containsExactly(demote(A));
    }

    @Test
    void noAutomaticFailbackToALessSecurePrimary() {
        Harness h = new Harness(
                FailoverPolicy.defaults().withFailback(FailbackMode.AUTOMATIC, Duration.ofSeconds(1)), Set.of(A, B));
        h.protectedWithAActive().failover(A, B);
        judged(h, A, WEAK);

        h.advance(Duration.ofSeconds(5));
        assertThat(h.health(healthy(A, RuntimeRole.STANDBY)))
                .as("no failback while plc-a is weaker")
                .isEmpty();
        assertThat(h.fsm.status().alarms()).containsKey(Alarm.STANDBY_LESS_SECURE);

        judged(h, A, "");
        h.advance(Duration.ofSeconds(5));
        assertThat(h.health(healthy(A, RuntimeRole.STANDBY))).containsExactly(demote(B));
        assertThat(h.done(demote(B), true)).containsExactly(promote(A));
    }
}
