package dev.failover.gateway.fence;

import dev.failover.gateway.link.LinkResult;

/**
 * Cuts or restores one controller's outputs independently of its communication link, so that a
 * controller the gateway cannot reach can still be kept from driving the process (safety rule 1).
 *
 * <p>Each method returns the state it confirmed afterwards: {@code true} when the outputs are
 * enabled. A command the fence could not carry out in time is never carried out later: a relay
 * reached over a network gets a deadline with each command and refuses it once past (safety rule
 * 8). Thread-safe; blocks for at most a short, implementation-defined timeout.
 */
public interface Fence extends AutoCloseable {

    String controllerId();

    /** Cuts the outputs; the result holds the confirmed output-enable state (false on success). */
    LinkResult<Boolean> cut();

    /** Restores the outputs; the result holds the confirmed output-enable state (true on success). */
    LinkResult<Boolean> restore();

    /**
     * Reads the relay's feedback without moving it: {@code true} when the outputs are enabled, {@code
     * false} when they are or may be cut. Read at start to reconcile with the gateway's record
     * (safety rule 8).
     */
    LinkResult<Boolean> outputsEnabled();

    /** Releases what the fence holds open (a connection to a relay box); the relay stays as it is. */
    @Override
    default void close() {}
}
