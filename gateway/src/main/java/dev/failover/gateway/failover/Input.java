package dev.failover.gateway.failover;

import dev.failover.gateway.health.Health;

/** Everything the failover controller reacts to. */
public sealed interface Input {

    /** A controller's health after a poll. */
    record HealthChanged(Health health) implements Input {}

    /** The executor finished an action: {@code ok} only when the effect was verified. */
    record StepDone(Action action, boolean ok, String detail) implements Input {}

    /** An operator asks to switch to the standby. */
    record SwitchoverRequested(String requestId, String requestedBy, String reason) implements Input {}
}
