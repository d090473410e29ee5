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
 */
public record Observation(String controllerId, long sentNanos, long doneNanos, LinkResult<StatusReading> result) {}
