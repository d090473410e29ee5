package dev.failover.gateway.failover;

/**
 * The outcome of one switchover attempt, with its timings. Times are ticker nanoseconds; the
 * derived durations are in milliseconds.
 *
 * @param kind why it happened
 * @param from the old active, or {@code null} when none was active
 * @param to the controller to promote
 * @param reason the trigger, in words
 * @param outcome completed ({@code to} is the verified active), failed during a step, or refused before any
 * @param failure why it failed or was refused, empty when ok
 * @param requestId the operator request it answers, or {@code null}
 * @param lastGoodNanos the old active's last good poll ({@link Long#MIN_VALUE} if unknown)
 * @param detectedNanos when the switchover was decided
 * @param completedNanos when it ended
 * @param fenced whether the old active was fenced rather than demoted
 */
public record SwitchoverReport(
        SwitchoverKind kind,
        String from,
        String to,
        String reason,
        Outcome outcome,
        String failure,
        String requestId,
        long lastGoodNanos,
        long detectedNanos,
        long completedNanos,
        boolean fenced) {

    /** How a switchover attempt ended. */
    public enum Outcome {
        COMPLETED,
        FAILED,
        REFUSED
    }

    public boolean ok() {
        return outcome == Outcome.COMPLETED;
    }

    /** From the old active's last good poll to the decision; -1 when unknown. An upper bound of detection time. */
    public double detectionMillis() {
        return lastGoodNanos == Long.MIN_VALUE ? -1 : (detectedNanos - lastGoodNanos) / 1e6;
    }

    /** From the decision to the verified promotion. */
    public double switchoverMillis() {
        return (completedNanos - detectedNanos) / 1e6;
    }

    /** From the old active's last good poll to the verified promotion; an upper bound of the RTO. */
    public double rtoMillis() {
        return lastGoodNanos == Long.MIN_VALUE ? switchoverMillis() : (completedNanos - lastGoodNanos) / 1e6;
    }
}
