package dev.failover.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.PartnerView;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Safety rule 10: a miss counts only if the gateway was there to see it. Soft evidence (a timeout, a
 * frozen heartbeat) is discounted while the gateway was paused, in common mode and before arming;
 * hard evidence always counts.
 */
class DetectionTest {

    private static final int ARM_AFTER = 5;
    private static final long ARM_WITHIN = 10_000_000_000L;

    private final HealthTracker tracker = new HealthTracker("plc-a", 3, 2, ARM_AFTER, ARM_WITHIN);
    private long now = 1_000;
    private int heartbeat = 10;

    private Health good() {
        heartbeat += 2;
        return answer(RunStatus.RUN, heartbeat, true);
    }

    private Health answer(RunStatus status, int hb, boolean onTime) {
        now += 20_000_000;
        StatusReading reading = new StatusReading(hb, status, RuntimeRole.ACTIVE, true, true, 0);
        return tracker.observe(new Observation("plc-a", now, now + 1_000_000, LinkResult.ok(reading, 1), onTime));
    }

    private Health failed(LinkError error, boolean onTime) {
        return failed(error, onTime, false);
    }

    private Health failed(LinkError error, boolean onTime, boolean otherMissedToo) {
        return failed(error, onTime, otherMissedToo, PartnerView.NONE);
    }

    private Health failed(LinkError error, boolean onTime, boolean otherMissedToo, PartnerView partnerSays) {
        now += 20_000_000;
        return tracker.observe(
                new Observation("plc-a", now, now + 15_000_000, LinkResult.failed(error, "test"), onTime),
                otherMissedToo,
                partnerSays);
    }

    private void arm() {
        for (int i = 0; i < ARM_AFTER; i++) {
            good();
        }
        assertThat(tracker.armed()).isTrue();
        assertThat(tracker.health().condition()).isEqualTo(Condition.HEALTHY);
    }

    @Nested
    class Armed {

        @Test
        void threeOnTimeTimeoutsConvict() {
            arm();
            failed(LinkError.TIMEOUT, true);
            failed(LinkError.TIMEOUT, true);
            assertThat(failed(LinkError.TIMEOUT, true).condition()).isEqualTo(Condition.FAILED);
        }

        @Test
        void aTimeoutWhileTheGatewayWasPausedIsInconclusive() {
            arm();
            Health h = failed(LinkError.TIMEOUT, false);

            assertThat(h.condition()).isEqualTo(Condition.HEALTHY);
            assertThat(h.consecutiveBad()).isZero();
            assertThat(h.reason()).contains("inconclusive").contains("paused");
        }

        @Test
        void misplacedTimeoutsAroundAPauseNeverAddUpToAConviction() {
            arm();
            failed(LinkError.TIMEOUT, true);
            failed(LinkError.TIMEOUT, false);
            failed(LinkError.TIMEOUT, false);
            assertThat(tracker.health().condition()).isEqualTo(Condition.SUSPECT);
            assertThat(tracker.health().consecutiveBad()).isEqualTo(1);
            // Fresh on-time misses after the pause still convict: a real fault is not hidden by it.
            failed(LinkError.TIMEOUT, true);
            assertThat(failed(LinkError.TIMEOUT, true).condition()).isEqualTo(Condition.FAILED);
        }

        @Test
        void aMissWhileTheOtherControllerMissedTooIsCommonMode() {
            arm();
            for (int i = 0; i < 5; i++) {
                failed(LinkError.TIMEOUT, true, true);
            }
            assertThat(tracker.health().condition()).isEqualTo(Condition.HEALTHY);
            assertThat(tracker.health().reason()).contains("common mode");
        }

        @Test
        void aFrozenHeartbeatWhileTheOtherControllerMissedTooIsCommonMode() {
            arm();
            for (int i = 0; i < 5; i++) {
                now += 20_000_000;
                StatusReading same = new StatusReading(heartbeat, RunStatus.RUN, RuntimeRole.ACTIVE, true, true, 0);
                Observation o = new Observation("plc-a", now, now + 1_000_000, LinkResult.ok(same, 1), true);
                assertThat(tracker.softMiss(o)).isTrue();
                tracker.observe(o, true, PartnerView.NONE);
            }
            assertThat(tracker.health().condition()).isEqualTo(Condition.HEALTHY);
            assertThat(tracker.health().reason())
                    .contains("heartbeat did not advance")
                    .contains("common mode");
        }

        @Test
        void aFrozenHeartbeatSeenAcrossAPauseIsInconclusive() {
            arm();
            Health h = answer(RunStatus.RUN, heartbeat, false);
            assertThat(h.consecutiveBad()).isZero();
            assertThat(h.reason()).contains("heartbeat did not advance").contains("inconclusive");
            assertThat(answer(RunStatus.RUN, heartbeat, true).consecutiveBad()).isEqualTo(1);
        }

        @Test
        void backingOffAfterATimeoutStaysSoftAndAfterARefusalStaysHard() {
            arm();
            failed(LinkError.TIMEOUT, true);
            assertThat(failed(LinkError.BACKING_OFF, false).consecutiveBad()).isEqualTo(1);
            failed(LinkError.UNREACHABLE, false);
            assertThat(failed(LinkError.BACKING_OFF, false).consecutiveBad()).isEqualTo(3);
        }
    }

    @Nested
    class ThePartnersView {

        @Test
        void aPartnerThatLostTheControllerCorroboratesTimeoutsBeforeArming() {
            good();
            failed(LinkError.TIMEOUT, true, false, PartnerView.LOST);
            failed(LinkError.TIMEOUT, true, false, PartnerView.LOST);
            Health h = failed(LinkError.TIMEOUT, true, false, PartnerView.LOST);

            assertThat(tracker.armed()).isFalse();
            assertThat(h.condition()).isEqualTo(Condition.FAILED);
            assertThat(h.reason()).contains("corroborated: its partner has lost it");
        }

        @Test
        void aPartnerThatStillSeesTheControllerDoesNotStopAConvictionButSaysSo() {
            // A controller whose communication hangs must be failed over even though it still scans.
            arm();
            failed(LinkError.TIMEOUT, true, false, PartnerView.ALIVE);
            failed(LinkError.TIMEOUT, true, false, PartnerView.ALIVE);
            Health h = failed(LinkError.TIMEOUT, true, false, PartnerView.ALIVE);

            assertThat(h.condition()).isEqualTo(Condition.FAILED);
            assertThat(h.reason()).contains("still sees it alive").contains("communication failed");
        }

        @Test
        void thePartnersViewNeverOverridesAPauseOfTheGatewayOrCommonMode() {
            arm();
            assertThat(failed(LinkError.TIMEOUT, false, false, PartnerView.LOST).consecutiveBad())
                    .isZero();
            assertThat(failed(LinkError.TIMEOUT, true, true, PartnerView.LOST).consecutiveBad())
                    .isZero();
            assertThat(tracker.health().condition()).isEqualTo(Condition.HEALTHY);
        }

        @Test
        void theControllersOwnReportOfItsPartnerIsKeptWithItsTime() {
            now += 20_000_000;
            StatusReading reading =
                    new StatusReading(11, RunStatus.RUN, RuntimeRole.ACTIVE, true, true, 0, PartnerView.LOST);
            tracker.observe(new Observation("plc-a", now, now + 1_000_000, LinkResult.ok(reading, 1), true));

            assertThat(tracker.partnerViewSince(now)).isEqualTo(PartnerView.LOST);
            assertThat(tracker.partnerViewSince(now + 1))
                    .as("older than asked for")
                    .isEqualTo(PartnerView.NONE);
        }
    }

    @Nested
    class BeforeArming {

        @Test
        void timeoutsAloneNeverConvictAColdGateway() {
            good();
            assertThat(good().condition()).isEqualTo(Condition.HEALTHY);
            for (int i = 0; i < 10; i++) {
                failed(LinkError.TIMEOUT, true);
            }
            assertThat(tracker.armed()).isFalse();
            assertThat(tracker.health().consecutiveBad()).isZero();
            assertThat(tracker.health().reason()).contains("not armed");
        }

        @Test
        void aControllerThatNeverAnsweredBecomesFailedSoDiscoveryCanTreatItAsUnreadable() {
            failed(LinkError.TIMEOUT, true);
            failed(LinkError.TIMEOUT, true);
            assertThat(failed(LinkError.TIMEOUT, true).condition()).isEqualTo(Condition.FAILED);
            assertThat(tracker.armed()).isFalse();
        }

        @Test
        void hardEvidenceCountsAtOnce() {
            good();
            failed(LinkError.UNREACHABLE, false);
            failed(LinkError.CONNECTION_LOST, true);
            assertThat(failed(LinkError.UNREACHABLE, true).consecutiveBad()).isEqualTo(3);
            assertThat(tracker.health().condition()).isEqualTo(Condition.FAILED);
        }

        @Test
        void aReportedFaultCountsAtOnce() {
            good();
            answer(RunStatus.FAULT, ++heartbeat, false);
            answer(RunStatus.FAULT, ++heartbeat, true);
            assertThat(answer(RunStatus.FAULT, ++heartbeat, true).condition()).isEqualTo(Condition.FAILED);
        }

        @Test
        void lateGoodPollsDoNotArm() {
            for (int i = 0; i < ARM_AFTER * 2; i++) {
                heartbeat += 2;
                answer(RunStatus.RUN, heartbeat, i % 2 == 0);
            }
            assertThat(tracker.armed()).isFalse();
        }

        @Test
        void armsByTimeEvenIfTheControllerStopsAnsweringSoonAfterStart() {
            // Otherwise a controller that hangs a moment after start would never be convicted.
            good();
            failed(LinkError.TIMEOUT, true);
            now += ARM_WITHIN;
            failed(LinkError.TIMEOUT, true);
            assertThat(tracker.armed()).isTrue();
            failed(LinkError.TIMEOUT, true);
            assertThat(failed(LinkError.TIMEOUT, true).condition()).isEqualTo(Condition.FAILED);
        }
    }
}
