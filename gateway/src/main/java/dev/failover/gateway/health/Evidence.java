package dev.failover.gateway.health;

import dev.failover.gateway.link.LinkError;

/**
 * How much one bad poll says against a controller (safety rule 10: conviction needs evidence the
 * gateway's own state cannot fake).
 */
public enum Evidence {
    /**
     * Only the absence of an answer in time: a paused, busy or cold gateway, or one lost segment,
     * looks the same. It counts once the detector is armed, when the gateway ran on time around it
     * and the other controller answered.
     */
    SOFT,
    /**
     * The network or the controller said so: the connection was refused or reset, the answer was
     * malformed or refused, the controller reports a fault. It counts always.
     */
    HARD;

    /** The evidence of a failed exchange; {@code BACKING_OFF} carries that of the failure before it. */
    static Evidence of(LinkError error, Evidence beforeBackOff) {
        return switch (error) {
            case TIMEOUT -> SOFT;
            case BACKING_OFF -> beforeBackOff;
            case UNREACHABLE, CONNECTION_LOST, PROTOCOL, REJECTED, SECURITY -> HARD;
        };
    }
}
