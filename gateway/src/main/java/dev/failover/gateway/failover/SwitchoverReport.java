package dev.failover.gateway.failover;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The outcome of one switchover attempt, with its timings. Times are ticker nanoseconds; the
 * derived durations are in milliseconds. A figure the gateway cannot know is empty, with the reason
 * in words ({@link #detectionUnknown()}, {@link #rtoUnknown()}), never a made-up number.
 *
 * @param kind why it happened
 * @param from the old active, or {@code null} when none was active
 * @param to the controller to promote
 * @param reason the trigger, in words
 * @param outcome completed ({@code to} is the verified active), failed during a step, or refused before any
 * @param failure why it failed or was refused, empty when ok
 * @param requestId the operator request it answers, or {@code null}
 * @param faultNanos when the fault was first seen: the first bad poll of the run that convicted the
 *     old active, or the first poll that showed it lost; {@link Long#MIN_VALUE} if there was none
 *     (a planned switchover, or a decision at start)
 * @param lastDrivenNanos the last instant a controller was known to drive the process before the
 *     takeover, also from before a gateway restart; {@link Long#MIN_VALUE} if never known
 * @param detectedNanos when the gateway first decided to switch (the first attempt, when it was retried)
 * @param completedNanos when it ended
 * @param oldActive how the old active was kept from driving
 * @param attempts how many attempts this switchover took, this one included
 */
public record SwitchoverReport(
        SwitchoverKind kind,
        String from,
        String to,
        String reason,
        Outcome outcome,
        String failure,
        String requestId,
        long faultNanos,
        long lastDrivenNanos,
        long detectedNanos,
        long completedNanos,
        OldActive oldActive,
        int attempts) {

    /** How a switchover attempt ended. */
    public enum Outcome {
        COMPLETED,
        FAILED,
        REFUSED
    }

    /** How the old active was kept from driving before the standby was promoted (safety rule 1). */
    public enum OldActive {
        /** There was no old active (take control), or no break step ran yet. */
        NONE,
        /** Demoted over its link; it reported STANDBY and no longer drove its outputs. */
        DEMOTED,
        /** Its outputs were cut by its fence, confirmed by the fence's feedback (now or before). */
        FENCED,
        /** Neither: promoted without confirmation under {@code unreachableActive: presume-down}. */
        PRESUMED_DOWN;

        /** The form used in events and status: lower case. */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public boolean ok() {
        return outcome == Outcome.COMPLETED;
    }

    /** Whether the old active was fenced rather than demoted. */
    public boolean fenced() {
        return oldActive == OldActive.FENCED;
    }

    private boolean planned() {
        return kind == SwitchoverKind.MANUAL || kind == SwitchoverKind.FAILBACK;
    }

    /** From the first sign of the fault to the decision; empty when there was no fault to detect. */
    public OptionalDouble detectionMillis() {
        return faultNanos == Long.MIN_VALUE
                ? OptionalDouble.empty()
                : OptionalDouble.of((detectedNanos - faultNanos) / 1e6);
    }

    /** Why {@link #detectionMillis()} is empty, or empty text when it is not. */
    public String detectionUnknown() {
        if (faultNanos != Long.MIN_VALUE) {
            return "";
        }
        return planned() ? "planned switchover, no fault" : "decided when the gateway started, no earlier poll";
    }

    /** From the decision to the verified promotion. */
    public double switchoverMillis() {
        return (completedNanos - detectedNanos) / 1e6;
    }

    /**
     * The recovery time: for a failover or a takeover, from the last instant a controller was known
     * to drive (before a gateway restart too) to the verified promotion, an upper bound of the true
     * RTO; for a planned switchover, the switchover itself (the old active drove until its
     * demotion). Empty when no controller was ever known to drive.
     */
    public OptionalDouble rtoMillis() {
        if (planned()) {
            return OptionalDouble.of(switchoverMillis());
        }
        return lastDrivenNanos == Long.MIN_VALUE
                ? OptionalDouble.empty()
                : OptionalDouble.of((completedNanos - lastDrivenNanos) / 1e6);
    }

    /** Why {@link #rtoMillis()} is empty, or empty text when it is not. */
    public String rtoUnknown() {
        return rtoMillis().isPresent() ? "" : "no controller was known to drive the process before";
    }

    /**
     * The figures of a completed switchover as events and status show them, in this order: {@code
     * detectionMs} (or {@code detectionUnknown} with the reason), {@code switchoverMs}, {@code rtoMs}
     * (or {@code rtoUnknown}), {@code oldActive} and {@code attempts}; milliseconds to 0.01.
     */
    public Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        OptionalDouble detection = detectionMillis();
        if (detection.isPresent()) {
            f.put("detectionMs", round(detection.getAsDouble()));
        } else {
            f.put("detectionUnknown", detectionUnknown());
        }
        f.put("switchoverMs", round(switchoverMillis()));
        OptionalDouble rto = rtoMillis();
        if (rto.isPresent()) {
            f.put("rtoMs", round(rto.getAsDouble()));
        } else {
            f.put("rtoUnknown", rtoUnknown());
        }
        f.put("oldActive", oldActive.text());
        f.put("attempts", attempts);
        return f;
    }

    /** Milliseconds to 0.01, as events and status show them. */
    public static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }
}
