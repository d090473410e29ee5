package dev.failover.gateway.mqtt;

import java.util.TreeSet;

/**
 * Which audit records the broker has acknowledged (PUBACK), when they are acknowledged out of order
 * (the live lane runs ahead of the backfill): the first record not yet acknowledged, below which all
 * are, and the ones acknowledged above it. Thread-safe.
 */
final class AckWindow {

    private long next;
    private final TreeSet<Long> above = new TreeSet<>();

    /** A window where every record before {@code next} counts as acknowledged. */
    AckWindow(long next) {
        this.next = next;
    }

    /** Records that {@code index} is acknowledged. */
    synchronized void ack(long index) {
        if (index < next) {
            return;
        }
        above.add(index);
        while (!above.isEmpty() && above.first() == next) {
            above.pollFirst();
            next++;
        }
    }

    /** The first record not acknowledged: every one before it is. */
    synchronized long next() {
        return next;
    }

    /** Whether {@code index} is acknowledged. */
    synchronized boolean acknowledged(long index) {
        return index < next || above.contains(index);
    }

    /** Starts over at {@code index} (the log was replaced): forgets what was acknowledged above it. */
    synchronized void reset(long index) {
        next = index;
        above.clear();
    }
}
