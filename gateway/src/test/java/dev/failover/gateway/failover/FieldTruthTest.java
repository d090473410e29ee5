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
import dev.failover.gateway.config.FailoverPolicy.UnreachableActive;
import dev.failover.gateway.link.RuntimeRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Safety rules 8 and 9 (docs/architecture.md): who drives is what the controllers and the fences
 * report, never what the gateway remembers; a process nobody drives is an emergency that no timer
 * delays; retries back off; reports tell what happened.
 */
class FieldTruthTest {

    @Test
    void aFenceThatCutButWasNotConfirmedIsRestoredOnceTheControllerReportsItsOutputsDisabled() {
        // Found by FailoverInvariantTest (seed 37): the fence step timed out although the relay opened, the
        // standby died meanwhile, and the pair stayed without a driver behind a relay the gateway did not
        // know it had opened, though the old active answered as a STANDBY that could take the role back.
        Harness h = new Harness().protectedWithAActive();
        List<Action> fence = h.health(unreachable(A, RuntimeRole.ACTIVE));
        assertThat(fence).containsExactly(fence(A));
        h.done(fence(A), false);
        h.health(unreachable(B, RuntimeRole.STANDBY));

        List<Action> actions = h.health(cut(A, RuntimeRole.STANDBY));

        assertThat(actions)
                .as("its outputs are restored: safe, a STANDBY does not drive")
                .containsExactly(unfence(A));
    }

    @Nested
    class RestartedGateway {

        @Test
        void aControllerItsFenceReportsCutIsUnfencedBeforeItIsCalledAReadyStandby() {
            // The first restart case: the old gateway fenced A, A came back while it was down.
            Harness h = new Harness();
            h.fenceObserved(A, true);
            h.fenceObserved(B, false);
            h.health(cut(A, RuntimeRole.STANDBY));

            assertThat(h.health(healthy(B, RuntimeRole.ACTIVE))).containsExactly(unfence(A));
            assertThat(h.state()).isNotEqualTo(PairState.PROTECTED);
            assertThat(h.active()).isEqualTo(B);

            assertThat(h.done(unfence(A), true)).isEmpty();
            h.health(healthy(A, RuntimeRole.STANDBY));
            assertThat(h.state()).isEqualTo(PairState.PROTECTED);
            assertThat(h.fsm.status().fenced()).isEmpty();
        }

        @Test
        void aFencedControllerThatStillReportsActiveIsNotTakenForTheDriver() {
            // A real PLC may keep ACTIVE in its register with its outputs cut: B drives, so B is the active.
            Harness h = new Harness();
            h.fenceObserved(A, true);
            h.health(cut(A, RuntimeRole.ACTIVE));

            List<Action> actions = h.health(healthy(B, RuntimeRole.ACTIVE));

            assertThat(h.active()).isEqualTo(B);
            assertThat(actions).containsExactly(demote(A));
            // Its claim is made consistent, but a controller whose outputs are cut is no second driver.
            assertThat(h.alarmed(Alarm.SPLIT_BRAIN)).isFalse();
        }

        @Test
        void aFencedControllerIsNeverPromotedEvenIfItIsThePreferredPrimary() {
            Harness h = new Harness();
            h.fenceObserved(A, true);
            h.health(cut(A, RuntimeRole.STANDBY));

            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).containsExactly(promote(B));
        }

        @Test
        void whenBothAreFencedStandbysThePreferredIsUnfencedThenPromoted() {
            // The second restart case: a late fence command cut the controller that drove.
            Harness h = new Harness();
            h.fenceObserved(A, true);
            h.fenceObserved(B, true);
            h.health(cut(A, RuntimeRole.STANDBY));

            assertThat(h.health(cut(B, RuntimeRole.STANDBY))).containsExactly(unfence(A));
            assertThat(h.done(unfence(A), true)).containsExactly(promote(A));
            assertThat(h.done(promote(A), true)).containsExactly(unfence(B));
            assertThat(h.reports.getLast().kind()).isEqualTo(SwitchoverKind.TAKE_CONTROL);
            assertThat(h.reports.getLast().detectionMillis()).isEmpty();
            assertThat(h.reports.getLast().detectionUnknown()).contains("started");
        }

        @Test
        void aSilentControllerWhoseFenceIsCutIsNotWaitedForNorTreatedAsPossiblyDriving() {
            Harness h = new Harness();
            h.fenceObserved(A, true);
            h.health(unreachable(A, RuntimeRole.UNKNOWN));

            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).containsExactly(promote(B));
        }

        @Test
        void theOutageBeforeTheRestartCountsInTheRto() {
            Harness h = new Harness();
            long lastDriven = h.ticker.nanos();
            h.advance(Duration.ofMillis(7_400));
            h.fsm.handle(new Input.LastDriven(lastDriven));
            h.health(healthy(A, RuntimeRole.STANDBY));
            h.health(healthy(B, RuntimeRole.STANDBY));
            h.advance(Duration.ofMillis(60));

            h.done(promote(A), true);

            assertThat(h.reports.getLast().rtoMillis()).hasValue(7_460.0);
        }
    }

    @Nested
    class NobodyDrives {

        @Test
        void anActiveWhoseOutputsAreCutIsLostAndReplaced() {
            Harness h = new Harness().protectedWithAActive();

            assertThat(h.health(cut(A, RuntimeRole.ACTIVE))).containsExactly(demote(A));
            assertThat(h.fsm.status().transitions().getLast().reason()).contains("does not drive");
        }

        @Test
        void isAStateAndAnAlarmOfItsOwnNeverProtected() {
            Harness h = new Harness().protectedWithAActive();
            h.health(faulted(B, RuntimeRole.STANDBY));

            h.health(cut(A, RuntimeRole.ACTIVE));

            assertThat(h.state()).isEqualTo(PairState.UNDRIVEN);
            assertThat(h.alarmed(Alarm.NO_DRIVER)).isTrue();
        }

        @Test
        void endsWhenAControllerDrivesAgain() {
            Harness h = new Harness().protectedWithAActive();
            h.health(faulted(B, RuntimeRole.STANDBY));
            h.health(cut(A, RuntimeRole.ACTIVE));

            h.health(healthy(A, RuntimeRole.ACTIVE));

            assertThat(h.alarmed(Alarm.NO_DRIVER)).isFalse();
            assertThat(h.state()).isEqualTo(PairState.UNPROTECTED);
        }

        @Test
        void aSilentUnfencedActiveMightDriveSoThePairIsBlockedNotUndriven() {
            Harness h = new Harness(FailoverPolicy.defaults(), Set.of());
            h.protectedWithAActive();
            h.health(unreachable(A, RuntimeRole.ACTIVE));

            assertThat(h.state()).isEqualTo(PairState.BLOCKED);
            assertThat(h.alarmed(Alarm.NO_DRIVER)).isFalse();
        }
    }

    @Nested
    class HoldDown {

        @Test
        void aSilentActiveThatCanBeFencedIsCutAndReplacedAtOnce() {
            // Safety rule 9: a controller that lost power inside the hold-down leaves the process undriven;
            // fencing it makes the promotion safe, so waiting would only keep the process undriven.
            Harness h = new Harness().protectedWithAActive().failover(A, B);
            h.advance(Duration.ofSeconds(1));

            assertThat(h.health(unreachable(B, RuntimeRole.ACTIVE))).containsExactly(fence(B));
            assertThat(h.done(fence(B), true)).containsExactly(promote(A));
            assertThat(h.alarmed(Alarm.HOLD_DOWN)).isFalse();
        }

        @Test
        void aSilentActiveWithoutAFenceStillWaitsForIt() {
            // It may still drive, and nothing can confirm otherwise: the hold-down holds.
            FailoverPolicy presume =
                    FailoverPolicy.defaults().withUnreachableActive(UnreachableActive.PRESUME_DOWN, Duration.ZERO);
            Harness h = new Harness(presume, Set.of()).protectedWithAActive().failover(A, B);
            h.advance(Duration.ofSeconds(1));

            assertThat(h.health(unreachable(B, RuntimeRole.ACTIVE))).isEmpty();
            assertThat(h.alarmed(Alarm.HOLD_DOWN)).isTrue();
        }
    }

    @Nested
    class CommonModeAlarm {

        @Test
        void isRaisedAndClearedAsTheSupervisorObservesItWithoutAnyAction() {
            Harness h = new Harness().protectedWithAActive();

            assertThat(h.fsm.handle(new Input.CommonModeObserved(true, "both missed")))
                    .isEmpty();
            assertThat(h.alarmed(Alarm.COMMON_MODE_MISS)).isTrue();
            assertThat(h.state()).isEqualTo(PairState.PROTECTED);

            h.fsm.handle(new Input.CommonModeObserved(false, ""));
            assertThat(h.alarmed(Alarm.COMMON_MODE_MISS)).isFalse();
        }
    }

    @Nested
    class PresumeDown {

        @Test
        void continuesAfterAFenceThatFailed() {
            FailoverPolicy policy =
                    FailoverPolicy.defaults().withUnreachableActive(UnreachableActive.PRESUME_DOWN, Duration.ZERO);
            Harness h = new Harness(policy, Set.of(A, B)).protectedWithAActive();

            assertThat(h.health(unreachable(A, RuntimeRole.ACTIVE))).containsExactly(fence(A));
            assertThat(h.done(fence(A), false)).containsExactly(promote(B));

            assertThat(h.alarmed(Alarm.PROMOTED_UNCONFIRMED)).isTrue();
            h.done(promote(B), true);
            assertThat(h.reports.getLast().oldActive()).isEqualTo(SwitchoverReport.OldActive.PRESUMED_DOWN);
        }
    }

    @Nested
    class Retries {

        @Test
        void backOffBoundedAndJitteredAndKeepTheFirstDetection() {
            // Nobody can fence A: every attempt fails. The attempts must thin out, never beyond the cap.
            Harness h = new Harness(FailoverPolicy.defaults(), Set.of(A)).protectedWithAActive();
            h.advance(Duration.ofMillis(10));
            long firstDecision = h.ticker.nanos();
            List<Long> attempts = new ArrayList<>();
            for (int i = 0; i < 3_000 && attempts.size() < 12; i++) {
                List<Action> actions = h.health(unreachable(A, RuntimeRole.ACTIVE));
                if (!actions.isEmpty()) {
                    attempts.add(h.ticker.nanos());
                    assertThat(h.done(fence(A), false)).isEmpty();
                }
                h.advance(Duration.ofMillis(20));
            }

            assertThat(attempts).hasSize(12);
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < attempts.size(); i++) {
                gaps.add(attempts.get(i) - attempts.get(i - 1));
            }
            assertThat(gaps.getLast()).isGreaterThan(gaps.getFirst() * 8);
            assertThat(gaps)
                    .allSatisfy(g -> assertThat(g)
                            .isLessThanOrEqualTo((long) (FailoverController.RETRY_CAP.toNanos() * 1.2) + 20_000_000));
            SwitchoverReport last = h.reports.getLast();
            assertThat(last.attempts()).isEqualTo(12);
            assertThat(last.detectedNanos()).isEqualTo(firstDecision);
        }
    }

    @Nested
    class Reports {

        @Test
        void detectionIsMeasuredFromTheFirstBadPoll() {
            Harness h = new Harness().protectedWithAActive();
            long firstBad = h.ticker.nanos();
            h.advance(Duration.ofMillis(40));
            var failed = new dev.failover.gateway.health.Health(
                    A,
                    dev.failover.gateway.health.Condition.FAILED,
                    true,
                    RuntimeRole.ACTIVE,
                    dev.failover.gateway.link.RunStatus.FAULT,
                    true,
                    7,
                    100_000,
                    0,
                    firstBad,
                    3,
                    "FAULT",
                    0);
            h.health(failed);
            h.done(demote(A), true);
            h.done(promote(B), true);

            assertThat(h.reports.getLast().detectionMillis()).hasValue(40.0);
            assertThat(h.reports.getLast().oldActive()).isEqualTo(SwitchoverReport.OldActive.DEMOTED);
            assertThat(h.reports.getLast().figures()).containsEntry("oldActive", "demoted");
        }

        @Test
        void anOldActiveFencedEarlierIsReportedFenced() {
            Harness h = new Harness().protectedWithAActive();
            h.fenceObserved(A, true);

            List<Action> actions = h.health(unreachable(A, RuntimeRole.ACTIVE));

            assertThat(actions).containsExactly(promote(B));
            h.done(promote(B), true);
            assertThat(h.reports.getLast().oldActive()).isEqualTo(SwitchoverReport.OldActive.FENCED);
            assertThat(h.reports.getLast().figures()).containsEntry("oldActive", "fenced");
        }

        @Test
        void aPromotionVerifiedCountsAsDriving() {
            Harness h = new Harness().protectedWithAActive();
            h.health(faulted(A, RuntimeRole.ACTIVE));
            h.done(demote(A), true);
            h.done(promote(B), true);

            assertThat(h.fsm.status().health().get(B).drives()).isTrue();
            assertThat(h.fsm.status().health().get(A).drives()).isFalse();
        }
    }
}
