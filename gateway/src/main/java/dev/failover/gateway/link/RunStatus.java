package dev.failover.gateway.link;

/** The run status a controller reports in its status word. */
public enum RunStatus {
    INIT,
    RUN,
    STOP,
    FAULT,
    /** The controller reported a value the gateway does not know. */
    UNKNOWN
}
