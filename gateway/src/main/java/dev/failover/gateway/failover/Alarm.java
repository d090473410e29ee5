package dev.failover.gateway.failover;

/** Conditions the failover controller raises for an operator; each is raised and cleared as an event. */
public enum Alarm {
    /** The standby is not ready: a fault of the active could not be covered. */
    STANDBY_UNAVAILABLE,
    /** Both controllers report ACTIVE. */
    SPLIT_BRAIN,
    /** The active has failed and no standby is ready to take over. */
    NO_STANDBY_READY,
    /** The active has failed within the hold-down after the last switchover; failover waits. */
    HOLD_DOWN,
    /** The failed active could not be demoted or fenced, so the standby is not promoted (safety rule 1). */
    OLD_ACTIVE_NOT_CONFIRMED_DOWN,
    /** The standby was promoted without confirming the old active is down (unreachableActive: presume-down). */
    PROMOTED_UNCONFIRMED,
    /** A switchover step failed. */
    SWITCHOVER_FAILED,
    /** More switchovers than the storm limit within the storm window. */
    SWITCHOVER_STORM,
    /**
     * After more automatic switchovers than the storm limit within the storm window (a controller
     * made to fail again and again, to push the plant from one to the other), automatic switchovers
     * away from an active that may still drive, and automatic failback, wait for a signed {@code
     * rearm}; a standby is still promoted when nothing else would drive the process (safety rule 9),
     * and an operator may still switch over.
     */
    STORM_LOCKED,
    /** No controller is healthy. */
    NO_HEALTHY_CONTROLLER,
    /**
     * No controller drives the process (both report that they do not drive, or are fenced), and the
     * gateway could not restore one yet (safety rule 9: an undriven process is an emergency).
     */
    NO_DRIVER,
    /**
     * Both controllers miss polls at the same time: the gateway, its host or its network is failing,
     * not the controllers; such misses never fail over (safety rule 10).
     */
    COMMON_MODE_MISS,
    /**
     * The standby is less secure than required: it misses the posture baseline, is weaker than the
     * active, or differs from it where they must be alike; a planned switchover or failback to it is
     * refused (issue 13: the standby is never weaker).
     */
    STANDBY_LESS_SECURE,
    /**
     * The active is less secure than required (it misses the baseline, or its standby is stronger):
     * the heightened mode after a failover to a weaker standby, until parity returns.
     */
    ACTIVE_LESS_SECURE,
    /**
     * The active failed and the standby misses the security baseline; the policy ({@code
     * security.posture.onFailure: block}) keeps it from being promoted.
     */
    STANDBY_BELOW_BASELINE
}
