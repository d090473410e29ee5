package dev.failover.gateway.failover;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The delay before the next attempt after consecutive failures: {@code first} after one failure,
 * doubling to at most {@code cap}, each spread by ±20 % so that pairs and gateways that failed
 * together do not retry in step. The jitter is seeded per pair, so a test sees the same delays
 * every run. Not thread-safe (the failover controller's lock guards it).
 */
final class Backoff {

    private final long firstNanos;
    private final long capNanos;
    private final SplittableRandom jitter;

    Backoff(Duration first, Duration cap, long seed) {
        this.firstNanos = first.toNanos();
        this.capNanos = Math.max(firstNanos, cap.toNanos());
        this.jitter = new SplittableRandom(seed);
    }

    /** The delay after {@code failures} failures in a row (at least 1). */
    long delayNanos(int failures) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 30);
        long base = firstNanos > (capNanos >> doublings) ? capNanos : Math.min(capNanos, firstNanos << doublings);
        return (long) (base * (0.8 + 0.4 * jitter.nextDouble()));
    }
}
