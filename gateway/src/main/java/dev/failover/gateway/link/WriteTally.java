package dev.failover.gateway.link;

/**
 * How many tag write requests a link has sent to its controller since it was created, by what became
 * of them, so that a controller's own count of the writes it took can be checked against the
 * gateway's (issue 13, part C): writes the controller counted beyond what the gateway may have caused
 * were made by someone else.
 *
 * @param attempted requests sent (or about to be)
 * @param succeeded requests the controller answered as done: certainly executed
 * @param refused requests the controller answered with an error: certainly not executed
 */
public record WriteTally(long attempted, long succeeded, long refused) {

    /** A link that does not count its writes. */
    public static final WriteTally NONE = new WriteTally(-1, -1, -1);

    /** Whether the link counts its writes. */
    public boolean known() {
        return attempted >= 0;
    }

    /**
     * The requests the controller may have executed: all but those it refused (a request that timed
     * out, or is still in flight, may have been executed or may be yet).
     */
    public long possiblyExecuted() {
        return attempted - refused;
    }
}
