package dev.failover.gateway.failover;

import dev.failover.gateway.health.Health;

/** Everything the failover controller reacts to. */
public sealed interface Input {

    /** A controller's health after a poll. */
    record HealthChanged(Health health) implements Input {}

    /** The executor finished an action: {@code ok} only when the effect was verified. */
    record StepDone(Action action, boolean ok, String detail) implements Input {}

    /**
     * What a controller's fence reports of its relay (the feedback contact), read at start and
     * reconciled with the gateway's durable fence record: {@code cut} when its outputs are or may be
     * cut. The fenced set comes from here and from verified fence steps, never from memory alone.
     */
    record FenceObserved(String controllerId, boolean cut, String detail) implements Input {}

    /**
     * The last instant (ticker nanoseconds) a controller was known to drive the process, as recorded
     * before this gateway started, so that an outage across a gateway restart is measured whole.
     */
    record LastDriven(long nanos) implements Input {}

    /**
     * Both controllers miss polls at the same time ({@code active}), or no longer do: the gateway's
     * side, not the controllers' (safety rule 10). Raises or clears {@link Alarm#COMMON_MODE_MISS}.
     */
    record CommonModeObserved(boolean active, String detail) implements Input {}

    /**
     * What the posture checks found on a controller in its present role ({@code weakness}: it misses
     * the baseline, or is weaker than its partner, or differs where they must be alike; empty when it
     * is as secure as required). While it is the standby, a planned switchover or failback to it is
     * refused and {@link Alarm#STANDBY_LESS_SECURE} says why; while it is the active, {@link
     * Alarm#ACTIVE_LESS_SECURE} does (the heightened mode after a failover to a weaker standby). With
     * {@code refuseOnFailure} (it misses the baseline and the policy says to block), not even a real
     * failure promotes it: {@link Alarm#STANDBY_BELOW_BASELINE}.
     */
    record PostureJudged(String controllerId, String weakness, boolean refuseOnFailure) implements Input {

        /** A weakness that a real failure still promotes past. */
        public PostureJudged(String controllerId, String weakness) {
            this(controllerId, weakness, false);
        }
    }

    /**
     * A signed waiver of the heightened mode: {@link Alarm#ACTIVE_LESS_SECURE} is cleared for the
     * active's findings of now, and raised again only if they change.
     */
    record PostureWaived(String signer, String reason) implements Input {}

    /** A signed re-arm: the storm lock ends and the count of automatic switchovers starts again. */
    record Rearmed(String signer, String reason) implements Input {}

    /** An operator asks to switch to the standby. */
    record SwitchoverRequested(String requestId, String requestedBy, String reason) implements Input {}
}
