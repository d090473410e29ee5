package dev.failover.gateway.failover;

/** The state of one redundant pair as the failover controller sees it. */
public enum PairState {
    /** Learning from both controllers which one is active. */
    DISCOVERING,
    /** The active is healthy and the standby is ready to take over. */
    PROTECTED,
    /** The active is healthy but the standby is not ready: a fault now could not be covered. */
    UNPROTECTED,
    /** A switchover is in progress: break (demote or fence the old active), then make (promote). */
    SWITCHING,
    /** The active has failed and the gateway will not or cannot promote: an alarm says why. */
    BLOCKED,
    /**
     * Like {@link #BLOCKED}, and no controller drives the process: the alarm {@link Alarm#NO_DRIVER}
     * is raised and the gateway keeps trying to restore a driver wherever break before make allows.
     */
    UNDRIVEN
}
