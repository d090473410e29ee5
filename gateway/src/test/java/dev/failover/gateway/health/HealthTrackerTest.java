package dev.failover.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

    private final HealthTracker tracker = new HealthTracker("plc-a", 3, 2);
    private long now = 1_000;
    private int heartbeat = 10;

    private Health answer(RunStatus status, RuntimeRole role, int hb) {
        now += 20;
        StatusReading reading = new StatusReading(hb, status, role, true, role == RuntimeRole.ACTIVE, 0);
        return tracker.observe(new Observation("plc-a", now, now + 1, LinkResult.ok(reading, 1)));
    }

    private Health good() {
        heartbeat += 2;
        return answer(RunStatus.RUN, RuntimeRole.ACTIVE, heartbeat);
    }

    private Health timeout() {
        now += 20;
        return tracker.observe(new Observation(
                "plc-a", now, now + 15, LinkResult.failed(LinkError.TIMEOUT, "no answer within 15 ms")));
    }

    private void becomeHealthy() {
        good();
        assertThat(good().condition()).isEqualTo(Condition.HEALTHY);
    }

    @Test
    void startsUnknownAndNeedsTheRecoveryPollsToBeHealthy() {
        assertThat(tracker.health().condition()).isEqualTo(Condition.UNKNOWN);
        assertThat(good().condition()).isEqualTo(Condition.UNKNOWN);
        Health h = good();
        assertThat(h.condition()).isEqualTo(Condition.HEALTHY);
        assertThat(h.role()).isEqualTo(RuntimeRole.ACTIVE);
        assertThat(h.reachable()).isTrue();
    }

    @Test
    void oneMissIsSuspectAndTheThresholdIsFailed() {
        becomeHealthy();
        long lastGood = tracker.health().lastGoodNanos();
        Health first = timeout();
        assertThat(first.condition()).isEqualTo(Condition.SUSPECT);
        assertThat(first.reachable()).isFalse();
        assertThat(first.role()).as("last known role is kept").isEqualTo(RuntimeRole.ACTIVE);
        assertThat(first.badSinceNanos()).isEqualTo(now);
        long badSince = now;
        assertThat(timeout().condition()).isEqualTo(Condition.SUSPECT);
        Health third = timeout();
        assertThat(third.condition()).isEqualTo(Condition.FAILED);
        assertThat(third.consecutiveBad()).isEqualTo(3);
        assertThat(third.badSinceNanos()).isEqualTo(badSince);
        assertThat(third.lastGoodNanos()).isEqualTo(lastGood);
        assertThat(third.reason()).startsWith("TIMEOUT: no answer within 15 ms [soft evidence");
    }

    @Test
    void aMissBetweenGoodPollsDoesNotAccumulate() {
        becomeHealthy();
        timeout();
        timeout();
        assertThat(good().condition()).isEqualTo(Condition.HEALTHY);
        assertThat(timeout().condition()).isEqualTo(Condition.SUSPECT);
    }

    @Test
    void aFailedControllerNeedsRecoveryPollsInARow() {
        becomeHealthy();
        timeout();
        timeout();
        timeout();
        assertThat(good().condition()).isEqualTo(Condition.FAILED);
        timeout();
        assertThat(good().condition()).isEqualTo(Condition.FAILED);
        assertThat(good().condition()).isEqualTo(Condition.HEALTHY);
    }

    @Test
    void aHeartbeatThatDoesNotAdvanceIsABadPoll() {
        becomeHealthy();
        Health frozen = answer(RunStatus.RUN, RuntimeRole.ACTIVE, heartbeat);
        assertThat(frozen.condition()).isEqualTo(Condition.SUSPECT);
        assertThat(frozen.reachable()).isTrue();
        assertThat(frozen.reason()).startsWith("heartbeat did not advance (stuck at " + heartbeat + ") [soft evidence");
        answer(RunStatus.RUN, RuntimeRole.ACTIVE, heartbeat);
        assertThat(answer(RunStatus.RUN, RuntimeRole.ACTIVE, heartbeat).condition())
                .isEqualTo(Condition.FAILED);
    }

    @Test
    void aHeartbeatThatWrapsAroundStillAdvances() {
        answer(RunStatus.RUN, RuntimeRole.ACTIVE, 65535);
        assertThat(answer(RunStatus.RUN, RuntimeRole.ACTIVE, 1).condition()).isEqualTo(Condition.HEALTHY);
    }

    @Test
    void aReportedFaultIsABadPollThatKeepsTheReading() {
        becomeHealthy();
        Health h = answer(RunStatus.FAULT, RuntimeRole.ACTIVE, heartbeat + 2);
        assertThat(h.condition()).isEqualTo(Condition.SUSPECT);
        assertThat(h.status()).isEqualTo(RunStatus.FAULT);
        assertThat(h.reason()).startsWith("controller reports status FAULT");
    }

    @Test
    void aStuckHeartbeatWithTimeoutsBetweenStillFails() {
        // A timeout must not reset the heartbeat baseline: stuck, timeout, stuck is three bad polls.
        becomeHealthy();
        answer(RunStatus.RUN, RuntimeRole.ACTIVE, heartbeat);
        timeout();
        assertThat(answer(RunStatus.RUN, RuntimeRole.ACTIVE, heartbeat).condition())
                .isEqualTo(Condition.FAILED);
    }

    @Test
    void refusesObservationsOfAnotherController() {
        assertThatThrownBy(
                        () -> tracker.observe(new Observation("plc-b", 0, 1, LinkResult.failed(LinkError.TIMEOUT, ""))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("observation of plc-b fed to tracker of plc-a");
    }
}
