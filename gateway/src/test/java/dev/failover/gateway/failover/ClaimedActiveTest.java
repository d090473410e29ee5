package dev.failover.gateway.failover;

import static dev.failover.gateway.failover.Harness.A;
import static dev.failover.gateway.failover.Harness.B;
import static dev.failover.gateway.failover.Harness.cut;
import static dev.failover.gateway.failover.Harness.demote;
import static dev.failover.gateway.failover.Harness.faulted;
import static dev.failover.gateway.failover.Harness.fence;
import static dev.failover.gateway.failover.Harness.healthy;
import static dev.failover.gateway.failover.Harness.promote;
import static dev.failover.gateway.failover.Harness.unfence;
import static dev.failover.gateway.failover.Harness.unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.link.RuntimeRole;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The other controller claims ACTIVE while the gateway's active is lost. Two defects found when the
 * core was split into phases (issue 12): a claim the gateway cannot act on (the lost active cannot be
 * confirmed down) was retried at once, without the back-off, recursing until the decision thread
 * died of a StackOverflowError; and a FAILED controller claiming ACTIVE was made the failover target
 * on every poll, while the lost active, a healthy STANDBY with its outputs cut, was never unfenced to
 * take the role back (safety rule 9).
 */
class ClaimedActiveTest {

    @Test
    void aClaimThatCannotBeActedOnBlocksAndIsRetriedAfterTheBackOffNotAtOnce() {
        Harness h = new Harness(FailoverPolicy.defaults(), Set.of());
        h.protectedWithAActive();
        assertThat(h.health(unreachable(A, RuntimeRole.ACTIVE))).isEmpty();
        assertThat(h.alarmed(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN)).isTrue();
        int failedBefore = h.reports.size();

        // B is made active at the PLC while A cannot be reached: A may still drive, so B is not adopted.
        assertThat(h.health(healthy(B, RuntimeRole.ACTIVE))).isEmpty();

        assertThat(h.state()).isEqualTo(PairState.BLOCKED);
        assertThat(h.active()).isEqualTo(A);
        assertThat(h.reports.size() - failedBefore)
                .as("one attempt, then the back-off")
                .isLessThanOrEqualTo(1);
        assertThat(h.health(healthy(B, RuntimeRole.ACTIVE)))
                .as("within the back-off")
                .isEmpty();

        // A answers again (it restarted as STANDBY): now its demotion can be verified, and B is adopted.
        h.advance(Duration.ofSeconds(6));
        assertThat(h.health(healthy(A, RuntimeRole.STANDBY))).containsExactly(demote(A));
        assertThat(h.done(demote(A), true)).containsExactly(promote(B));
        h.done(promote(B), true);
        assertThat(h.active()).isEqualTo(B);
    }

    @Test
    void aFailedControllerClaimingActiveIsTakenOverByTheHealthyOneAfterUnfencingIt() {
        Harness h = new Harness();
        h.protectedWithAActive();
        // A faults; it will not demote, so it is fenced; B's promotion then fails: A stays the active.
        assertThat(h.health(faulted(A, RuntimeRole.ACTIVE))).containsExactly(demote(A));
        assertThat(h.done(demote(A), false)).containsExactly(fence(A));
        assertThat(h.done(fence(A), true)).containsExactly(promote(B));
        h.done(promote(B), false);
        assertThat(h.active()).isEqualTo(A);

        // B now claims ACTIVE but is FAULTed; A restarted as a healthy STANDBY, its outputs still cut.
        h.advance(Duration.ofSeconds(6));
        h.health(faulted(B, RuntimeRole.ACTIVE));
        assertThat(h.health(cut(A, RuntimeRole.STANDBY)))
                .as("A is unfenced (a STANDBY does not drive), not B promoted again")
                .containsExactly(unfence(A));
        assertThat(h.done(unfence(A), true))
                .as("A takes the role back from the failed B: break before make")
                .containsExactly(demote(B));
        assertThat(h.done(demote(B), true)).containsExactly(promote(A));
        h.done(promote(A), true);
        assertThat(h.active()).isEqualTo(A);
    }
}
