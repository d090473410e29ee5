package dev.failover.gateway.failover;

import static dev.failover.gateway.failover.Harness.A;
import static dev.failover.gateway.failover.Harness.B;
import static dev.failover.gateway.failover.Harness.demote;
import static dev.failover.gateway.failover.Harness.faulted;
import static dev.failover.gateway.failover.Harness.fence;
import static dev.failover.gateway.failover.Harness.frozen;
import static dev.failover.gateway.failover.Harness.healthy;
import static dev.failover.gateway.failover.Harness.promote;
import static dev.failover.gateway.failover.Harness.suspect;
import static dev.failover.gateway.failover.Harness.unreachable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.FailoverPolicy.FailbackMode;
import dev.failover.gateway.config.FailoverPolicy.UnreachableActive;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every transition of the failover state machine, driven with a fake clock. The safety rules of
 * docs/architecture.md are named where a test protects one.
 */
class FailoverControllerTest {

    @Nested
    class Discovery {

        @Test
        void waitsForBothControllersThenAdoptsTheOneReportingActive() {
            Harness h = new Harness();
            assertThat(h.health(healthy(A, RuntimeRole.ACTIVE))).isEmpty();
            assertThat(h.state()).isEqualTo(PairState.DISCOVERING);

            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).isEmpty();

            assertThat(h.state()).isEqualTo(PairState.PROTECTED);
            assertThat(h.active()).isEqualTo(A);
        }

        @Test
        void adoptsTheStandbyPreferenceIfItIsTheOneActive() {
            Harness h = new Harness();
            h.health(healthy(A, RuntimeRole.STANDBY));
            assertThat(h.health(healthy(B, RuntimeRole.ACTIVE))).isEmpty();
            assertThat(h.active()).isEqualTo(B);
            assertThat(h.state()).isEqualTo(PairState.PROTECTED);
        }

        @Test
        void promotesThePreferredPrimaryWhenNoControllerIsActive() {
            Harness h = new Harness();
            h.health(healthy(A, RuntimeRole.STANDBY));
            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).containsExactly(promote(A));
            assertThat(h.done(promote(A), true)).isEmpty();
            assertThat(h.active()).isEqualTo(A);
            assertThat(h.reports.getLast().kind()).isEqualTo(SwitchoverKind.TAKE_CONTROL);
        }

        @Test
        void demotesTheSecondActiveWhenBothReportActive() {
            Harness h = new Harness();
            h.health(healthy(A, RuntimeRole.ACTIVE));
            assertThat(h.health(healthy(B, RuntimeRole.ACTIVE))).containsExactly(demote(B));
            assertThat(h.alarmed(Alarm.SPLIT_BRAIN)).isTrue();
            assertThat(h.done(demote(B), true)).isEmpty();
            assertThat(h.alarmed(Alarm.SPLIT_BRAIN)).isFalse();
            assertThat(h.state()).isEqualTo(PairState.PROTECTED);
        }

        @Test
        void waitsForAControllerItHasNeverReadBeforeActingOnIt() {
            // A start must not switch the active: first connections can miss a few polls.
            Harness h = new Harness();
            h.health(unreachable(A, RuntimeRole.UNKNOWN));
            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).isEmpty();
            h.advance(Duration.ofSeconds(1));
            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).isEmpty();
            assertThat(h.state()).isEqualTo(PairState.DISCOVERING);

            assertThat(h.health(healthy(A, RuntimeRole.ACTIVE))).isEmpty();
            assertThat(h.state()).isEqualTo(PairState.PROTECTED);
            assertThat(h.active()).isEqualTo(A);
        }

        @Test
        void treatsAnUnreadableControllerAsPossiblyActiveAndFencesItFirst() {
            // Safety rule 1: a controller we cannot read may be driving the process.
            Harness h = new Harness();
            h.health(unreachable(A, RuntimeRole.UNKNOWN));
            h.advance(FailoverPolicy.defaults().discoveryGrace());
            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).containsExactly(fence(A));
            assertThat(h.done(fence(A), true)).containsExactly(promote(B));
        }

        @Test
        void neverPromotesBesideAnUnreadableControllerWithoutAFence() {
            Harness h = new Harness(FailoverPolicy.defaults(), Set.of());
            h.health(unreachable(A, RuntimeRole.UNKNOWN));
            h.advance(FailoverPolicy.defaults().discoveryGrace());
            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).isEmpty();
            assertThat(h.state()).isEqualTo(PairState.BLOCKED);
            assertThat(h.alarmed(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN)).isTrue();
        }

        @Test
        void blocksWhenNeitherControllerIsReady() {
            Harness h = new Harness();
            h.health(faulted(A, RuntimeRole.STANDBY));
            assertThat(h.health(faulted(B, RuntimeRole.STANDBY))).isEmpty();
            // Safety rule 9: nobody drives, which is a state of its own, never a quiet BLOCKED.
            assertThat(h.state()).isEqualTo(PairState.UNDRIVEN);
            assertThat(h.alarmed(Alarm.NO_HEALTHY_CONTROLLER)).isTrue();
            assertThat(h.alarmed(Alarm.NO_DRIVER)).isTrue();
        }
    }

    @Nested
    class Detection {

        @Test
        void aSingleMissedPollIsNotAFault() {
            Harness h = new Harness().protectedWithAActive();
            assertThat(h.health(suspect(A, RuntimeRole.ACTIVE))).isEmpty();
            assertThat(h.state()).isEqualTo(PairState.PROTECTED);
            assertThat(h.health(healthy(A, RuntimeRole.ACTIVE))).isEmpty();
            assertThat(h.reports).isEmpty();
        }

        @Test
        void aFailedActiveIsDemotedBeforeTheStandbyIsPromoted() {
            // Safety rule 1, break before make.
            Harness h = new Harness().protectedWithAActive();
            h.advance(Duration.ofMillis(5));

            assertThat(h.health(faulted(A, RuntimeRole.ACTIVE))).containsExactly(demote(A));
            assertThat(h.state()).isEqualTo(PairState.SWITCHING);
            h.advance(Duration.ofMillis(1));
            assertThat(h.done(demote(A), true)).containsExactly(promote(B));
            h.advance(Duration.ofMillis(1));
            assertThat(h.done(promote(B), true)).isEmpty();

            assertThat(h.active()).isEqualTo(B);
            assertThat(h.state()).isEqualTo(PairState.UNPROTECTED);
            SwitchoverReport report = h.reports.getLast();
            assertThat(report.ok()).isTrue();
            assertThat(report.kind()).isEqualTo(SwitchoverKind.FAILOVER);
            assertThat(report.from()).isEqualTo(A);
            assertThat(report.to()).isEqualTo(B);
            assertThat(report.fenced()).isFalse();
            assertThat(report.switchoverMillis()).isEqualTo(2.0);
            assertThat(report.reason()).contains("plc-a failed: FAULT");
        }

        @Test
        void aPollSentBeforeThePromotionDoesNotContradictIt() {
            Harness h = new Harness().protectedWithAActive();
            long beforePromotion = h.ticker.nanos();
            h.health(faulted(A, RuntimeRole.ACTIVE));
            h.done(demote(A), true);
            h.advance(Duration.ofMillis(2));
            h.done(promote(B), true);

            // This poll of B left before the promotion was verified and still says STANDBY.
            assertThat(h.polledAt(healthy(B, RuntimeRole.STANDBY), beforePromotion))
                    .isEmpty();
            assertThat(h.fsm.status().health().get(B).role()).isEqualTo(RuntimeRole.ACTIVE);
            assertThat(h.reports).hasSize(1);

            // A poll sent after the promotion is believed.
            h.advance(Duration.ofMillis(20));
            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).containsExactly(promote(B));
        }

        @Test
        void theStandbyIsNotReadyAgainUntilItHasRecovered() {
            Harness h = new Harness().protectedWithAActive();
            h.failover(A, B);
            h.health(faulted(A, RuntimeRole.STANDBY));
            assertThat(h.state()).isEqualTo(PairState.UNPROTECTED);
            assertThat(h.alarmed(Alarm.STANDBY_UNAVAILABLE)).isTrue();
        }
    }

    @Nested
    class WhenTheActiveIsUnreachable {

        @Test
        void isFencedThenTheStandbyPromoted() {
            Harness h = new Harness().protectedWithAActive();
            assertThat(h.health(unreachable(A, RuntimeRole.ACTIVE))).containsExactly(fence(A));
            assertThat(h.done(fence(A), true)).containsExactly(promote(B));
            assertThat(h.done(promote(B), true)).isEmpty();
            assertThat(h.reports.getLast().fenced()).isTrue();
            assertThat(h.fsm.status().fenced()).containsExactly(A);
        }

        @Test
        void aFailedDemotionFallsBackToTheFence() {
            Harness h = new Harness().protectedWithAActive();
            assertThat(h.health(faulted(A, RuntimeRole.ACTIVE))).containsExactly(demote(A));
            assertThat(h.done(demote(A), false)).containsExactly(fence(A));
            assertThat(h.done(fence(A), true)).containsExactly(promote(B));
        }

        @Test
        void withoutAFenceTheStandbyIsNeverPromotedAndAnAlarmIsRaised() {
            // Safety rule 1, "don't promote when unsure".
            Harness h = new Harness(FailoverPolicy.defaults(), Set.of()).protectedWithAActive();
            List<Action> all = new ArrayList<>(h.health(unreachable(A, RuntimeRole.ACTIVE)));
            for (int i = 0; i < 50; i++) {
                h.advance(Duration.ofMillis(20));
                all.addAll(h.health(unreachable(A, RuntimeRole.ACTIVE)));
                all.addAll(h.health(healthy(B, RuntimeRole.STANDBY)));
            }
            assertThat(all).isEmpty();
            assertThat(h.state()).isEqualTo(PairState.BLOCKED);
            assertThat(h.alarmed(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN)).isTrue();
            assertThat(h.reports).allSatisfy(r -> assertThat(r.ok()).isFalse());
        }

        @Test
        void aFailedFenceMeansNoPromotion() {
            Harness h = new Harness().protectedWithAActive();
            h.health(unreachable(A, RuntimeRole.ACTIVE));
            assertThat(h.done(fence(A), false)).isEmpty();
            assertThat(h.state()).isEqualTo(PairState.BLOCKED);
            assertThat(h.alarmed(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN)).isTrue();
            assertThat(h.active()).isEqualTo(A);
        }

        @Test
        void theAlarmClearsWhenTheOldActiveComesBackHealthy() {
            Harness h = new Harness(FailoverPolicy.defaults(), Set.of()).protectedWithAActive();
            h.health(unreachable(A, RuntimeRole.ACTIVE));
            assertThat(h.health(healthy(A, RuntimeRole.ACTIVE))).isEmpty();
            assertThat(h.alarmed(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN)).isFalse();
            assertThat(h.state()).isEqualTo(PairState.PROTECTED);
        }

        @Test
        void aRecoveringActiveIsNotFailedOverOnItsStaleVerdict() {
            // plc-a hung and could not be fenced; now it answers again but is not HEALTHY yet.
            Harness h = new Harness(FailoverPolicy.defaults(), Set.of()).protectedWithAActive();
            h.health(unreachable(A, RuntimeRole.ACTIVE));
            h.advance(Duration.ofSeconds(1));
            Health recovering = new Health(
                    A,
                    Condition.FAILED,
                    true,
                    RuntimeRole.ACTIVE,
                    RunStatus.RUN,
                    true,
                    9,
                    1,
                    0,
                    Long.MIN_VALUE,
                    0,
                    "",
                    0);

            assertThat(h.health(recovering)).isEmpty();
            assertThat(h.health(recovering)).isEmpty();
            assertThat(h.health(healthy(A, RuntimeRole.ACTIVE))).isEmpty();

            assertThat(h.state()).isEqualTo(PairState.PROTECTED);
            assertThat(h.active()).isEqualTo(A);
            assertThat(h.reports).noneMatch(SwitchoverReport::ok);
        }

        @Test
        void aRecoveringActiveThatFailsAgainIsFailedOver() {
            Harness h = new Harness().protectedWithAActive();
            h.advance(Duration.ofSeconds(20));
            Health relapsing = new Health(
                    A, Condition.FAILED, true, RuntimeRole.ACTIVE, RunStatus.FAULT, true, 9, 1, 0, 0, 1, "FAULT", 0);
            assertThat(h.health(relapsing)).containsExactly(demote(A));
        }

        @Test
        void presumeDownPromotesOnlyAfterTheConfiguredTimeAndSaysSo() {
            FailoverPolicy policy = FailoverPolicy.defaults()
                    .withUnreachableActive(UnreachableActive.PRESUME_DOWN, Duration.ofSeconds(2));
            Harness h = new Harness(policy, Set.of()).protectedWithAActive();
            long lastGood = h.ticker.nanos();
            Health gone = new Health(
                    A,
                    Condition.FAILED,
                    false,
                    RuntimeRole.ACTIVE,
                    RunStatus.RUN,
                    true,
                    7,
                    1,
                    lastGood,
                    lastGood,
                    3,
                    "TIMEOUT",
                    lastGood);

            h.advance(Duration.ofMillis(60));
            assertThat(h.health(gone)).isEmpty();
            h.advance(Duration.ofMillis(1900));
            assertThat(h.health(gone)).isEmpty();
            h.advance(Duration.ofMillis(40));
            assertThat(h.health(gone)).containsExactly(promote(B));
            assertThat(h.alarmed(Alarm.PROMOTED_UNCONFIRMED)).isTrue();
        }
    }

    @Nested
    class NoSafeTakeover {

        @Test
        void bothControllersDownMeansNoPromotionAndAnAlarm() {
            Harness h = new Harness().protectedWithAActive();
            h.health(unreachable(B, RuntimeRole.STANDBY));
            assertThat(h.health(unreachable(A, RuntimeRole.ACTIVE))).isEmpty();
            assertThat(h.state()).isEqualTo(PairState.BLOCKED);
            assertThat(h.alarmed(Alarm.NO_HEALTHY_CONTROLLER)).isTrue();
        }

        @Test
        void failoverWaitsUntilTheStandbyIsReady() {
            Harness h = new Harness().protectedWithAActive();
            h.health(suspect(B, RuntimeRole.STANDBY));
            assertThat(h.health(faulted(A, RuntimeRole.ACTIVE))).isEmpty();
            assertThat(h.alarmed(Alarm.NO_STANDBY_READY)).isTrue();
            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).containsExactly(demote(A));
        }

        @Test
        void aFailedPromotionIsRetriedAfterTheRetryInterval() {
            Harness h = new Harness().protectedWithAActive();
            h.health(faulted(A, RuntimeRole.ACTIVE));
            h.done(demote(A), true);
            assertThat(h.done(promote(B), false)).isEmpty();
            // A demoted and B not promoted: nobody drives.
            assertThat(h.state()).isEqualTo(PairState.UNDRIVEN);
            assertThat(h.alarmed(Alarm.SWITCHOVER_FAILED)).isTrue();
            assertThat(h.alarmed(Alarm.NO_DRIVER)).isTrue();
            assertThat(h.health(healthy(B, RuntimeRole.STANDBY))).isEmpty();

            // The first retry comes after the retry interval, give or take its 20 % jitter.
            h.advance(FailoverPolicy.defaults().retryInterval().multipliedBy(6).dividedBy(5));
            assertThat(h.health(faulted(A, RuntimeRole.STANDBY))).containsExactly(demote(A));
            assertThat(h.done(demote(A), true)).containsExactly(promote(B));
            h.done(promote(B), true);
            assertThat(h.active()).isEqualTo(B);
            assertThat(h.alarmed(Alarm.SWITCHOVER_FAILED)).isFalse();
        }

        @Test
        void aStepResultForAnotherActionIsAProgrammingError() {
            Harness h = new Harness().protectedWithAActive();
            assertThatThrownBy(() -> h.done(promote(B), true))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pending is null");
        }
    }

    @Nested
    class ReturnOfTheOldActive {

        @Test
        void isDemotedThenUnfencedAndBecomesTheStandby() {
            Harness h = new Harness().protectedWithAActive();
            h.health(unreachable(A, RuntimeRole.ACTIVE));
            h.done(fence(A), true);
            h.done(promote(B), true);
            h.health(healthy(B, RuntimeRole.ACTIVE));

            // A controller that retains ACTIVE over a restart (plc-sim's --retain-active-role, some real PLCs)
            // comes back ACTIVE with its outputs still cut by the fence: its claim is made consistent,
            // but it cannot drive, so it is no split brain.
            assertThat(h.health(healthy(A, RuntimeRole.ACTIVE))).containsExactly(demote(A));
            assertThat(h.alarmed(Alarm.SPLIT_BRAIN)).isFalse();
            assertThat(h.done(demote(A), true)).containsExactly(new Action.Unfence(A));
            assertThat(h.done(new Action.Unfence(A), true)).isEmpty();

            assertThat(h.state()).isEqualTo(PairState.PROTECTED);
            assertThat(h.active()).isEqualTo(B);
            assertThat(h.fsm.status().fenced()).isEmpty();
            assertThat(h.fsm.status().alarms()).isEmpty();
        }

        @Test
        void aFailedSplitBrainDemotionWaitsForTheNextPollInsteadOfLooping() {
            Harness h = new Harness().protectedWithAActive();
            assertThat(h.health(healthy(B, RuntimeRole.ACTIVE))).containsExactly(demote(B));
            assertThat(h.done(demote(B), false)).isEmpty();
            assertThat(h.health(healthy(A, RuntimeRole.ACTIVE))).isEmpty();
            assertThat(h.health(healthy(B, RuntimeRole.ACTIVE))).containsExactly(demote(B));
        }
    }

    @Nested
    class Flapping {

        @Test
        void aSecondFailoverWaitsForTheHoldDownWhileTheOldActiveStillDrives() {
            // Safety rule 2: the hold-down bounds how often the pair switches. B's heartbeat is frozen,
            // but it still drives the process: waiting leaves the process driven.
            Harness h = new Harness().protectedWithAActive();
            h.failover(A, B);
            h.advance(Duration.ofSeconds(1));

            assertThat(h.health(Harness.frozen(B))).isEmpty();
            assertThat(h.state()).isEqualTo(PairState.BLOCKED);
            assertThat(h.alarmed(Alarm.HOLD_DOWN)).isTrue();

            h.advance(Duration.ofSeconds(9));
            assertThat(h.health(Harness.frozen(B))).containsExactly(demote(B));
        }

        @Test
        void theHoldDownNeverKeepsTheProcessUndriven() {
            // Safety rule 9: B reports FAULT and drives nothing; within the hold-down it is replaced at once,
            // since break before make already makes the promotion safe.
            Harness h = new Harness().protectedWithAActive();
            h.failover(A, B);
            h.advance(Duration.ofSeconds(1));

            assertThat(h.health(faulted(B, RuntimeRole.ACTIVE))).containsExactly(demote(B));
            assertThat(h.done(demote(B), true)).containsExactly(promote(A));
            assertThat(h.alarmed(Alarm.HOLD_DOWN)).isFalse();
        }

        @Test
        void anActiveDemotedByAnotherClientWithinTheHoldDownIsReplacedAtOnce() {
            // The case: a gateway-role client wrote STANDBY into the active inside the hold-down.
            Harness h = new Harness().protectedWithAActive();
            h.failover(A, B);
            h.advance(Duration.ofSeconds(1));

            List<Action> actions = h.health(healthy(B, RuntimeRole.STANDBY));

            assertThat(actions).containsExactly(demote(B));
            assertThat(h.done(demote(B), true)).containsExactly(promote(A));
        }

        @Test
        void failbackIsNotAutomaticByDefault() {
            Harness h = new Harness().protectedWithAActive();
            h.failover(A, B);
            for (int i = 0; i < 60; i++) {
                h.advance(Duration.ofMinutes(1));
                assertThat(h.health(healthy(A, RuntimeRole.STANDBY))).isEmpty();
            }
            assertThat(h.active()).isEqualTo(B);
        }

        @Test
        void automaticFailbackWaitsForAStablePreferredPrimary() {
            FailoverPolicy policy =
                    FailoverPolicy.defaults().withFailback(FailbackMode.AUTOMATIC, Duration.ofSeconds(60));
            Harness h = new Harness(policy, Set.of(A, B)).protectedWithAActive();
            h.failover(A, B);

            h.advance(Duration.ofSeconds(30));
            assertThat(h.health(healthy(A, RuntimeRole.STANDBY))).isEmpty();
            h.health(suspect(A, RuntimeRole.STANDBY)); // one miss restarts the stability period
            h.health(healthy(A, RuntimeRole.STANDBY));
            h.advance(Duration.ofSeconds(59));
            assertThat(h.health(healthy(A, RuntimeRole.STANDBY))).isEmpty();
            h.advance(Duration.ofSeconds(1));
            assertThat(h.health(healthy(A, RuntimeRole.STANDBY))).containsExactly(demote(B));
            assertThat(h.done(demote(B), true)).containsExactly(promote(A));
            h.done(promote(A), true);
            assertThat(h.reports.getLast().kind()).isEqualTo(SwitchoverKind.FAILBACK);
            assertThat(h.active()).isEqualTo(A);
        }

        @Test
        void aSwitchoverStormRaisesAnAlarm() {
            FailoverPolicy policy =
                    FailoverPolicy.defaults().withHoldDown(Duration.ofMillis(1)).withStorm(2, Duration.ofMinutes(10));
            Harness h = new Harness(policy, Set.of(A, B)).protectedWithAActive();
            h.failover(A, B);
            h.advance(Duration.ofSeconds(1));
            h.failover(B, A);
            assertThat(h.alarmed(Alarm.SWITCHOVER_STORM)).isFalse();
            h.advance(Duration.ofSeconds(1));
            h.failover(A, B);
            assertThat(h.alarmed(Alarm.SWITCHOVER_STORM)).isTrue();

            h.advance(Duration.ofMinutes(11));
            h.health(healthy(B, RuntimeRole.ACTIVE));
            assertThat(h.alarmed(Alarm.SWITCHOVER_STORM)).isFalse();
        }

        private Harness stormLocked() {
            FailoverPolicy policy =
                    FailoverPolicy.defaults().withHoldDown(Duration.ofMillis(1)).withStorm(2, Duration.ofMinutes(10));
            Harness h = new Harness(policy, Set.of(A, B)).protectedWithAActive();
            h.failover(A, B);
            h.advance(Duration.ofSeconds(1));
            h.failover(B, A);
            h.advance(Duration.ofSeconds(1));
            assertThat(h.alarmed(Alarm.STORM_LOCKED)).isFalse();
            h.failover(A, B);
            assertThat(h.alarmed(Alarm.STORM_LOCKED)).isTrue();
            h.advance(Duration.ofSeconds(1));
            return h;
        }

        @Test
        void aStormOfAutomaticSwitchoversLocksThePairUntilASignedRearm() {
            Harness h = stormLocked();

            assertThat(h.health(frozen(B)))
                    .as("B still answers and drives: the lock keeps it, as a hold-down would")
                    .isEmpty();
            assertThat(h.state()).isEqualTo(PairState.BLOCKED);
            assertThat(h.active()).isEqualTo(B);
            h.advance(Duration.ofMinutes(11));
            assertThat(h.health(frozen(B))).as("the lock does not time out").isEmpty();
            assertThat(h.alarmed(Alarm.STORM_LOCKED)).isTrue();

            assertThat(h.fsm.handle(new Input.Rearmed("erin", "root cause found")))
                    .as("re-armed, the failover it held back goes ahead")
                    .containsExactly(demote(B));
            assertThat(h.alarmed(Alarm.STORM_LOCKED)).isFalse();
        }

        @Test
        void theLockNeverKeepsAProcessUndriven() {
            Harness h = stormLocked();

            assertThat(h.health(unreachable(B, RuntimeRole.ACTIVE)))
                    .as("a silent active with a fence is cut and replaced, lock or not (safety rule 9)")
                    .isNotEmpty();
            assertThat(h.alarmed(Alarm.STORM_LOCKED)).isTrue();
        }

        @Test
        void switchoversAnOperatorAskedForNeitherLockThePairNorAreRefusedByTheLock() {
            FailoverPolicy policy =
                    FailoverPolicy.defaults().withHoldDown(Duration.ofMillis(1)).withStorm(2, Duration.ofMinutes(10));
            Harness h = new Harness(policy, Set.of(A, B)).protectedWithAActive();
            String active = A;
            for (int i = 0; i < 4; i++) {
                String standby = active.equals(A) ? B : A;
                assertThat(h.request("r" + i)).containsExactly(demote(active));
                h.done(demote(active), true);
                h.done(promote(standby), true);
                h.health(healthy(standby, RuntimeRole.ACTIVE));
                h.health(healthy(active, RuntimeRole.STANDBY));
                active = standby;
                h.advance(Duration.ofSeconds(1));
            }
            assertThat(h.alarmed(Alarm.SWITCHOVER_STORM)).isTrue();
            assertThat(h.alarmed(Alarm.STORM_LOCKED)).isFalse();

            Harness locked = stormLocked();
            assertThat(locked.request("manual"))
                    .as("the lock is to manual switchover")
                    .containsExactly(demote(B));
        }

        @Test
        void withTheLockSwitchedOffAStormOnlyRaisesItsAlarm() {
            FailoverPolicy policy = FailoverPolicy.defaults()
                    .withHoldDown(Duration.ofMillis(1))
                    .withStorm(2, Duration.ofMinutes(10))
                    .withStormLock(false);
            Harness h = new Harness(policy, Set.of(A, B)).protectedWithAActive();
            h.failover(A, B);
            h.advance(Duration.ofSeconds(1));
            h.failover(B, A);
            h.advance(Duration.ofSeconds(1));
            h.failover(A, B);
            h.advance(Duration.ofSeconds(1));

            assertThat(h.alarmed(Alarm.STORM_LOCKED)).isFalse();
            assertThat(h.health(frozen(B))).containsExactly(demote(B));
        }
    }

    @Nested
    class Manual {

        @Test
        void switchesToTheReadyStandbyAndAnswersTheRequest() {
            Harness h = new Harness().protectedWithAActive();
            assertThat(h.request("r1")).containsExactly(demote(A));
            assertThat(h.done(demote(A), true)).containsExactly(promote(B));
            h.done(promote(B), true);
            SwitchoverReport report = h.reports.getLast();
            assertThat(report.kind()).isEqualTo(SwitchoverKind.MANUAL);
            assertThat(report.requestId()).isEqualTo("r1");
            assertThat(report.ok()).isTrue();
            assertThat(h.active()).isEqualTo(B);
        }

        @Test
        void isRefusedWhenTheStandbyIsNotReady() {
            Harness h = new Harness().protectedWithAActive();
            h.health(suspect(B, RuntimeRole.STANDBY));
            assertThat(h.request("r2")).isEmpty();
            SwitchoverReport report = h.reports.getLast();
            assertThat(report.outcome()).isEqualTo(SwitchoverReport.Outcome.REFUSED);
            assertThat(report.failure()).startsWith("standby plc-b is not ready: SUSPECT");
            assertThat(h.active()).isEqualTo(A);
        }

        @Test
        void neverFencesAHealthyActiveWhoseDemotionFailed() {
            Harness h = new Harness().protectedWithAActive();
            h.request("r3");
            assertThat(h.done(demote(A), false)).isEmpty();
            assertThat(h.reports.getLast().outcome()).isEqualTo(SwitchoverReport.Outcome.FAILED);
            assertThat(h.reports.getLast().requestId()).isEqualTo("r3");
            assertThat(h.active()).isEqualTo(A);
            assertThat(h.state()).isEqualTo(PairState.PROTECTED);
        }

        @Test
        void isRefusedWhileDiscovering() {
            Harness h = new Harness();
            assertThat(h.request("r4")).isEmpty();
            assertThat(h.reports.getLast().failure()).isEqualTo("the pair is still being discovered");
        }
    }

    @Nested
    class ReviewFindings {

        @Test
        void aFencedControllerThatReportsActiveIsDemotedBeforeItsOutputsAreRestored() {
            // Safety rule 1: A was fenced in an earlier failover; it restarts in its retained role
            // ACTIVE; then B fails. A must not get its outputs back while it reports ACTIVE.
            Harness h = new Harness().protectedWithAActive();
            h.health(unreachable(A, RuntimeRole.ACTIVE));
            h.done(fence(A), true);
            h.done(promote(B), true);
            h.health(healthy(B, RuntimeRole.ACTIVE));

            List<Action> next = h.health(faulted(B, RuntimeRole.ACTIVE));
            next = next.isEmpty() ? h.health(healthy(A, RuntimeRole.ACTIVE)) : next;

            assertThat(next).doesNotContain(new Action.Unfence(A));
        }

        @Test
        void noControllerIsPromotedBesideOneThatMayBeActive() {
            // A lost its role; B reports ACTIVE but is not ready: B is the active, nobody is promoted.
            Harness h = new Harness().protectedWithAActive();
            h.health(suspect(B, RuntimeRole.ACTIVE));
            List<Action> next = h.health(healthy(A, RuntimeRole.STANDBY));
            assertThat(next).doesNotContain(promote(A));
        }

        @Test
        void aControllerWhoseRoleIsUnknownIsDemotedOrFencedBeforeTheOtherTakesControl() {
            Harness h = new Harness().protectedWithAActive();
            h.health(new Health(
                    B, Condition.FAILED, true, RuntimeRole.UNKNOWN, RunStatus.RUN, true, 7, 1, 0, 0, 3, "bad role", 0));
            List<Action> next = h.health(healthy(A, RuntimeRole.STANDBY));
            assertThat(next).containsExactly(demote(B));
        }

        @Test
        void discoveryDoesNotPromoteBesideAControllerWithAnUnknownRole() {
            Harness h = new Harness();
            h.health(healthy(A, RuntimeRole.STANDBY));
            List<Action> next = h.health(new Health(
                    B,
                    Condition.HEALTHY,
                    true,
                    RuntimeRole.UNKNOWN,
                    RunStatus.RUN,
                    true,
                    7,
                    1,
                    0,
                    Long.MIN_VALUE,
                    0,
                    "",
                    0));
            assertThat(next).doesNotContain(promote(A));
        }
    }

    @Nested
    class LostRole {

        @Test
        void anActiveThatReportsStandbyIsReplacedByTheReadyStandby() {
            Harness h = new Harness().protectedWithAActive();
            assertThat(h.health(healthy(A, RuntimeRole.STANDBY))).containsExactly(demote(A));
            assertThat(h.reports).isEmpty();
            assertThat(h.fsm.status().transitions().getLast().reason()).contains("plc-a no longer reports ACTIVE");
        }

        @Test
        void isRepromotedWhenNoStandbyIsReady() {
            Harness h = new Harness().protectedWithAActive();
            h.health(suspect(B, RuntimeRole.STANDBY));
            assertThat(h.health(healthy(A, RuntimeRole.STANDBY))).containsExactly(promote(A));
            h.done(promote(A), true);
            assertThat(h.reports.getLast().kind()).isEqualTo(SwitchoverKind.TAKE_CONTROL);
        }
    }

    @Test
    void everyStateChangeIsLoggedWithItsReason() {
        Harness h = new Harness().protectedWithAActive();
        h.failover(A, B);
        assertThat(h.transitions)
                .extracting(t -> t.from() + "->" + t.to())
                .containsExactly(
                        "DISCOVERING->PROTECTED",
                        "PROTECTED->SWITCHING",
                        "SWITCHING->UNPROTECTED",
                        "UNPROTECTED->PROTECTED");
        assertThat(h.transitions).allSatisfy(t -> assertThat(t.reason()).isNotBlank());
        assertThat(h.fsm.status().transitions()).isEqualTo(h.transitions);
    }
}
