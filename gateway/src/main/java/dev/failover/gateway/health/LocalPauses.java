package dev.failover.gateway.health;

/**
 * Whether the gateway was running on time over an interval (safety rule 10). Implementations are
 * thread-safe.
 */
public interface LocalPauses {

    /**
     * Whether the gateway ran without a pause from {@code fromNanos} to {@code toNanos} (ticker
     * time): only then is a poll that timed out over that interval evidence against the controller.
     */
    boolean ranThrough(long fromNanos, long toNanos);
}
