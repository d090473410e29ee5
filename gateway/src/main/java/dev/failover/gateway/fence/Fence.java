package dev.failover.gateway.fence;

import dev.failover.gateway.link.LinkResult;

/**
 * Cuts or restores one controller's outputs independently of its communication link, so that a
 * controller the gateway cannot reach can still be kept from driving the process (safety rule 1).
 *
 * <p>Each method returns the state it confirmed afterwards: {@code true} when the outputs are
 * enabled. Thread-safe; blocks for at most a short, implementation-defined timeout.
 */
public interface Fence {

    String controllerId();

    /** Cuts the outputs; the result holds the confirmed output-enable state (false on success). */
    LinkResult<Boolean> cut();

    /** Restores the outputs; the result holds the confirmed output-enable state (true on success). */
    LinkResult<Boolean> restore();
}
