package dev.failover.gateway.health;

import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;

/**
 * What the gateway knows of one controller at one instant.
 *
 * @param controllerId the controller
 * @param condition the verdict from recent polls
 * @param reachable whether the last poll got an answer (the controller can be written to)
 * @param role the role the controller last reported ({@link RuntimeRole#UNKNOWN} before any answer)
 * @param status the run status the controller last reported
 * @param outputsEnabled whether its output-enable input was on at the last answer
 * @param heartbeat the last heartbeat value read, -1 before any
 * @param latencyNanos round-trip time of the last answered poll, -1 before any
 * @param lastGoodNanos ticker time of the last good poll, or {@link Long#MIN_VALUE} if none
 * @param badSinceNanos ticker time the current run of bad polls started, or {@link Long#MIN_VALUE}
 * @param consecutiveBad bad polls in a row
 * @param reason why the last bad poll was bad, empty when the last poll was good
 * @param sampledNanos ticker time the poll behind this health was sent, {@link Long#MIN_VALUE} before any
 */
public record Health(
        String controllerId,
        Condition condition,
        boolean reachable,
        RuntimeRole role,
        RunStatus status,
        boolean outputsEnabled,
        int heartbeat,
        long latencyNanos,
        long lastGoodNanos,
        long badSinceNanos,
        int consecutiveBad,
        String reason,
        long sampledNanos) {

    /** The health of a controller that has not been polled yet. */
    public static Health unknown(String controllerId) {
        return new Health(
                controllerId,
                Condition.UNKNOWN,
                false,
                RuntimeRole.UNKNOWN,
                RunStatus.UNKNOWN,
                false,
                -1,
                -1,
                Long.MIN_VALUE,
                Long.MIN_VALUE,
                0,
                "not polled yet",
                Long.MIN_VALUE);
    }

    /** Reports ACTIVE and RUN and is not failed (one missed poll is not a fault): can take commands now. */
    public boolean canTakeCommands() {
        return (condition == Condition.HEALTHY || condition == Condition.SUSPECT)
                && role == RuntimeRole.ACTIVE
                && status == RunStatus.RUN;
    }

    /** Healthy, reports STANDBY and RUN: could be promoted now. */
    public boolean readyAsStandby() {
        return condition == Condition.HEALTHY && role == RuntimeRole.STANDBY && status == RunStatus.RUN;
    }

    /** This health with the role a verified write established (until the next poll says otherwise). */
    public Health withRole(RuntimeRole verified) {
        return new Health(
                controllerId,
                condition,
                reachable,
                verified,
                status,
                outputsEnabled,
                heartbeat,
                latencyNanos,
                lastGoodNanos,
                badSinceNanos,
                consecutiveBad,
                reason,
                sampledNanos);
    }

    /**
     * This health held back from being ready: reachable and answering, but not to be promoted yet
     * (for example while it is given the acknowledged writes it missed), with the reason.
     */
    public Health notReady(String why) {
        return new Health(
                controllerId,
                condition == Condition.HEALTHY ? Condition.SUSPECT : condition,
                reachable,
                role,
                status,
                outputsEnabled,
                heartbeat,
                latencyNanos,
                lastGoodNanos,
                badSinceNanos,
                consecutiveBad,
                why,
                sampledNanos);
    }

    /** Failed, but its latest polls were good: on the way back, not failing now. */
    public boolean recovering() {
        return condition == Condition.FAILED && consecutiveBad == 0;
    }

    /** A short description for alarm and refusal texts. */
    public String describe() {
        return condition + ", " + (reachable ? "reachable" : "unreachable") + ", role " + role + ", status " + status
                + (reason.isEmpty() ? "" : ", " + reason);
    }
}
