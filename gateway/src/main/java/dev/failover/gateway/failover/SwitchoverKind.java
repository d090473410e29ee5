package dev.failover.gateway.failover;

/** Why the active controller changes. */
public enum SwitchoverKind {
    /** Unplanned: the active failed. */
    FAILOVER,
    /** Planned: an operator asked for it. */
    MANUAL,
    /** Planned: back to the preferred primary. */
    FAILBACK,
    /** No controller was active (at start, or the active lost its role): one is promoted. */
    TAKE_CONTROL
}
