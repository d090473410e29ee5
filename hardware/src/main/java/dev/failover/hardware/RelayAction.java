package dev.failover.hardware;

/** What an {@link OutputEnableRelays} call asked for. */
public enum RelayAction {
    /** Energise the relay, cutting the controller's outputs (fencing). */
    CUT,
    /** Release the relay, enabling the controller's outputs again. */
    RESTORE
}
