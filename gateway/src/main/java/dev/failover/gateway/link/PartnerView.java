package dev.failover.gateway.link;

/**
 * What a controller reports of its partner over its own link to it (a redundant pair's sync link; in
 * plc-sim the shared plant): a view of the partner independent of the gateway's network path.
 */
public enum PartnerView {
    /** The controller has no partner link, or does not report one. */
    NONE,
    /** The partner's heartbeat advances on the partner link. */
    ALIVE,
    /** The partner's heartbeat has stopped on the partner link (the partner or the link failed). */
    LOST;

    /** Flags bit 4: the controller has a partner link; bit 3: the partner is alive on it. */
    static PartnerView fromFlags(int flags) {
        if ((flags & 0x10) == 0) {
            return NONE;
        }
        return (flags & 0x08) != 0 ? ALIVE : LOST;
    }
}
