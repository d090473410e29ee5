package dev.failover.gateway.link;

/** The run status a controller reports in its status word. */
public enum RunStatus {
    INIT,
    RUN,
    STOP,
    FAULT,
    /** The controller reported a value the gateway does not know. */
    UNKNOWN;

    /** The status register's encoding (docs/plc-sim.md): 0 INIT, 1 RUN, 2 STOP, 3 FAULT. */
    public static RunStatus fromCode(int code) {
        return switch (code) {
            case 0 -> INIT;
            case 1 -> RUN;
            case 2 -> STOP;
            case 3 -> FAULT;
            default -> UNKNOWN;
        };
    }
}
