package dev.failover.gateway.health;

import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.StatusReading;

/**
 * Turns the polls of one controller into a {@link Health} verdict.
 *
 * <p>A poll is bad when it got no answer within the response timeout, when the controller reports
 * a status other than RUN, or when its heartbeat has not advanced since the previous answer. One
 * bad poll is not a fault: the controller is {@link Condition#SUSPECT} until {@code
 * missesBeforeFault} bad polls in a row make it {@link Condition#FAILED}. A failed (or newly
 * seen) controller needs {@code recoveryPolls} good polls in a row to be {@link
 * Condition#HEALTHY} again, so a flickering controller does not look ready.
 *
 * <p>Not thread-safe: one tracker is fed by one thread.
 */
public final class HealthTracker {

    private final String controllerId;
    private final int missesBeforeFault;
    private final int recoveryPolls;

    private Health health;
    private int consecutiveGood;
    private int previousHeartbeat = -1;

    public HealthTracker(String controllerId, int missesBeforeFault, int recoveryPolls) {
        if (missesBeforeFault < 1 || recoveryPolls < 1) {
            throw new IllegalArgumentException("missesBeforeFault and recoveryPolls must be at least 1");
        }
        this.controllerId = controllerId;
        this.missesBeforeFault = missesBeforeFault;
        this.recoveryPolls = recoveryPolls;
        this.health = Health.unknown(controllerId);
    }

    public Health health() {
        return health;
    }

    /** Folds one poll into the verdict and returns the new health. */
    public Health observe(Observation observation) {
        if (!observation.controllerId().equals(controllerId)) {
            throw new IllegalArgumentException(
                    "observation of " + observation.controllerId() + " fed to tracker of " + controllerId);
        }
        return switch (observation.result()) {
            case LinkResult.Ok<StatusReading> ok -> answered(observation, ok);
            case LinkResult.Failed<StatusReading> failed ->
                bad(observation, false, failed.error() + ": " + failed.detail(), null, -1);
        };
    }

    private Health answered(Observation observation, LinkResult.Ok<StatusReading> ok) {
        StatusReading reading = ok.value();
        int previous = previousHeartbeat;
        previousHeartbeat = reading.heartbeat();
        String problem = null;
        if (reading.status() != RunStatus.RUN) {
            problem = "controller reports status " + reading.status() + " (fault code " + reading.faultCode() + ")";
        } else if (previous >= 0 && reading.heartbeat() == previous) {
            problem = "heartbeat did not advance (stuck at " + reading.heartbeat() + ")";
        }
        if (problem != null) {
            return bad(observation, true, problem, reading, ok.latencyNanos());
        }
        consecutiveGood++;
        Condition condition = health.condition();
        boolean recovering = condition == Condition.FAILED || condition == Condition.UNKNOWN;
        Condition next = recovering && consecutiveGood < recoveryPolls ? condition : Condition.HEALTHY;
        health = new Health(
                controllerId,
                next,
                true,
                reading.role(),
                reading.status(),
                reading.outputsEnabled(),
                reading.driving(),
                reading.heartbeat(),
                ok.latencyNanos(),
                observation.doneNanos(),
                Long.MIN_VALUE,
                0,
                "",
                observation.sentNanos());
        return health;
    }

    private Health bad(Observation observation, boolean reachable, String reason, StatusReading reading, long latency) {
        consecutiveGood = 0;
        int misses = health.consecutiveBad() + 1;
        Condition condition = health.condition();
        Condition next;
        if (misses >= missesBeforeFault) {
            next = Condition.FAILED;
        } else if (condition == Condition.HEALTHY || condition == Condition.SUSPECT) {
            next = Condition.SUSPECT;
        } else {
            next = condition;
        }
        long badSince = health.consecutiveBad() == 0 ? observation.sentNanos() : health.badSinceNanos();
        health = new Health(
                controllerId,
                next,
                reachable,
                reading != null ? reading.role() : health.role(),
                reading != null ? reading.status() : health.status(),
                reading != null ? reading.outputsEnabled() : health.outputsEnabled(),
                reading != null ? reading.driving() : health.driving(),
                reading != null ? reading.heartbeat() : health.heartbeat(),
                reading != null ? latency : health.latencyNanos(),
                health.lastGoodNanos(),
                badSince,
                misses,
                reason,
                observation.sentNanos());
        return health;
    }
}
