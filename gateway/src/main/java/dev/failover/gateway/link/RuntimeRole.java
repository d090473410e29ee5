package dev.failover.gateway.link;

/** The runtime role a controller reports or is told to take. */
public enum RuntimeRole {
    /** Drives the process and receives commands. */
    ACTIVE,
    /** Ready and mirrored, outputs disabled. */
    STANDBY,
    /** The controller reported a value the gateway does not know. */
    UNKNOWN
}
