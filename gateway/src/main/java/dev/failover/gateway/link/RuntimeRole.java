package dev.failover.gateway.link;

/** The runtime role a controller reports or is told to take. */
public enum RuntimeRole {
    /** Drives the process and receives commands. */
    ACTIVE,
    /** Ready and mirrored, outputs disabled. */
    STANDBY,
    /** The controller reported a value the gateway does not know. */
    UNKNOWN;

    /** The role register's encoding (docs/plc-sim.md), shared by every protocol: 1 ACTIVE, 2 STANDBY. */
    public static RuntimeRole fromCode(int code) {
        return switch (code) {
            case 1 -> ACTIVE;
            case 2 -> STANDBY;
            default -> UNKNOWN;
        };
    }

    /**
     * The value written to the role register.
     *
     * @throws IllegalArgumentException for {@link #UNKNOWN}, which is never written
     */
    public int code() {
        return switch (this) {
            case ACTIVE -> 1;
            case STANDBY -> 2;
            case UNKNOWN -> throw new IllegalArgumentException("cannot write role UNKNOWN");
        };
    }
}
