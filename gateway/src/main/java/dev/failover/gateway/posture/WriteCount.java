package dev.failover.gateway.posture;

import dev.failover.gateway.events.SecurityDetail;
import dev.failover.gateway.link.WriteTally;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks each controller's own count of the tag writes it took (its write counter, 16 bits) against
 * the write requests this gateway sent it (issue 13, part C): writes the controller counted beyond
 * all that the gateway may have caused since the previous check were made by someone else, even when
 * the gateway wrote last (so that the last writer looks right). Never a false alarm: a gateway write
 * is assumed executed unless the controller refused it (one that timed out may have been), and only
 * those answered as done before the previous read are assumed counted by then. A counter that went
 * down (the controller restarted) starts the count again. Used on the posture thread only.
 */
final class WriteCount {

    /**
     * Since the count started (the first check, or the controller's restart): the counter as last
     * read, what it counted since, the gateway's writes known done before the count started, and
     * how many writes were already reported as someone else's.
     */
    private static final class Count {
        int last;
        long counted;
        final long gatewayDoneAtStart;
        long reported;

        Count(int last, long gatewayDoneAtStart) {
            this.last = last;
            this.gatewayDoneAtStart = gatewayDoneAtStart;
        }
    }

    private final Map<String, Count> counts = new HashMap<>();

    /**
     * The writes {@code controllerId} counted that this gateway cannot have made and that were not
     * reported before, if any; empty at the first check, after a restart, or where either side does
     * not count. Counted over the whole time since the count started, so that a gateway write that
     * timed out (and may have been executed late) is allowed for once, not at every check.
     *
     * @param before the link's tally taken before the counter was read
     * @param counter the controller's write counter, -1 if unknown
     * @param after the link's tally taken after the counter was read
     */
    Optional<SecurityDetail.UnexplainedWrites> check(
            String controllerId, WriteTally before, int counter, WriteTally after) {
        if (!before.known() || !after.known() || counter < 0) {
            counts.remove(controllerId);
            return Optional.empty();
        }
        Count c = counts.get(controllerId);
        if (c == null || counter < c.last) {
            counts.put(controllerId, new Count(counter, before.succeeded()));
            return Optional.empty();
        }
        c.counted += counter - c.last;
        c.last = counter;
        long gatewayMayHaveMade = after.possiblyExecuted() - c.gatewayDoneAtStart;
        long foreign = c.counted - gatewayMayHaveMade;
        if (foreign <= c.reported) {
            return Optional.empty();
        }
        int fresh = (int) (foreign - c.reported);
        c.reported = foreign;
        return Optional.of(new SecurityDetail.UnexplainedWrites(fresh, c.counted, gatewayMayHaveMade));
    }
}
