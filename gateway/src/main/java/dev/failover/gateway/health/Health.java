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
 * @param driving whether it reported at the last answer that it drives its outputs (safety rule 8:
 *     who drives is what the controller reports, not what the gateway remembers)
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
        boolean driving,
        int heartbeat,
        long latencyNanos,
        long lastGoodNanos,
        long badSinceNanos,
        int consecutiveBad,
        String reason,
        long sampledNanos) {

    /**
     * A health whose driving flag is what a controller in that role, status and output-enable state
     * does when it works as specified (ACTIVE, RUN and outputs enabled): for tests and fixtures.
     */
    public Health(
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
        this(
                controllerId,
                condition,
                reachable,
                role,
                status,
                outputsEnabled,
                role == RuntimeRole.ACTIVE && status == RunStatus.RUN && outputsEnabled,
                heartbeat,
                latencyNanos,
                lastGoodNanos,
                badSinceNanos,
                consecutiveBad,
                reason,
                sampledNanos);
    }

    /** The health of a controller that has not been polled yet. */
    public static Health unknown(String controllerId) {
        return new Health(
                controllerId,
                Condition.UNKNOWN,
                false,
                RuntimeRole.UNKNOWN,
                RunStatus.UNKNOWN,
                false,
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

    /**
     * Healthy, reports STANDBY and RUN, and its outputs are enabled: could be promoted now and would
     * drive. A controller whose outputs are cut is never a ready standby (safety rule 8).
     */
    public boolean readyAsStandby() {
        return condition == Condition.HEALTHY
                && role == RuntimeRole.STANDBY
                && status == RunStatus.RUN
                && outputsEnabled;
    }

    /** Its last answer says it is ACTIVE and drives its outputs: it drives the process now. */
    public boolean drives() {
        return reachable && role == RuntimeRole.ACTIVE && driving;
    }

    /** Its last answer says it does not drive its outputs: known not to drive (an unreachable one is unknown). */
    public boolean knownNotDriving() {
        return reachable && !driving;
    }

    /**
     * This health with the role a verified step established (until the next poll says otherwise): a
     * verified promotion confirmed it drives, a verified demotion that it no longer does.
     */
    public Health withRole(RuntimeRole verified) {
        return with(verified, outputsEnabled, verified == RuntimeRole.ACTIVE, condition, reason);
    }

    /** This health with the output-enable state a verified fence step established, and not driving when cut. */
    public Health withOutputsEnabled(boolean enabled) {
        return with(role, enabled, enabled && driving, condition, reason);
    }

    /**
     * This health with the role, output-enable and driving flags of {@code verified}: for a poll sent
     * before a verified step, whose flags are out of date while its verdict is not.
     */
    public Health withFieldOf(Health verified) {
        return with(verified.role, verified.outputsEnabled, verified.driving, condition, reason);
    }

    /**
     * This health held back from being ready: reachable and answering, but not to be promoted yet
     * (for example while it is given the acknowledged writes it missed), with the reason.
     */
    public Health notReady(String why) {
        return with(role, outputsEnabled, driving, condition == Condition.HEALTHY ? Condition.SUSPECT : condition, why);
    }

    /** This health with another reason: a poll that was inconclusive changes nothing else. */
    public Health withReason(String why) {
        return with(role, outputsEnabled, driving, condition, why);
    }

    private Health with(RuntimeRole role, boolean outputsEnabled, boolean driving, Condition condition, String reason) {
        return new Health(
                controllerId,
                condition,
                reachable,
                role,
                status,
                outputsEnabled,
                driving,
                heartbeat,
                latencyNanos,
                lastGoodNanos,
                badSinceNanos,
                consecutiveBad,
                reason,
                sampledNanos);
    }

    /** Failed, but its latest polls were good: on the way back, not failing now. */
    public boolean recovering() {
        return condition == Condition.FAILED && consecutiveBad == 0;
    }

    /** A short description for alarm and refusal texts. */
    public String describe() {
        return condition + ", " + (reachable ? "reachable" : "unreachable") + ", role " + role + ", status " + status
                + (reachable && !outputsEnabled ? ", outputs cut" : "")
                + (reason.isEmpty() ? "" : ", " + reason);
    }
}
