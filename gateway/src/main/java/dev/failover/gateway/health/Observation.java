package dev.failover.gateway.health;

import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.StatusReading;

/**
 * One poll of one controller.
 *
 * @param controllerId the controller polled
 * @param sentNanos ticker time the poll was sent
 * @param doneNanos ticker time the poll completed (answer, error or timeout)
 * @param result the status reading, or why there was none
 * @param onTime whether the gateway itself ran without a pause from send to completion ({@link
 *     LocalPauses}): a timeout while it did not is no evidence against the controller
 */
public record Observation(
        String controllerId, long sentNanos, long doneNanos, LinkResult<StatusReading> result, boolean onTime) {

    /** A poll during which the gateway ran on time. */
    public Observation(String controllerId, long sentNanos, long doneNanos, LinkResult<StatusReading> result) {
        this(controllerId, sentNanos, doneNanos, result, true);
    }
}
