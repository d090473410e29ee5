package dev.failover.gateway.failover;

/**
 * The loss of the active controller the pair is recovering from, kept across retries so that every
 * attempt reports the same detection (from the first sign of the fault) and the retries back off.
 */
final class Incident {
    /** The first bad poll of the run that convicted the active, or the poll that showed it lost. */
    final long faultNanos;
    /** When the gateway first decided the active was lost. */
    final long detectedNanos;

    int attempts;
    int failures;

    Incident(long faultNanos, long detectedNanos) {
        this.faultNanos = faultNanos;
        this.detectedNanos = detectedNanos;
    }
}
