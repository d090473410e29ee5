package dev.failover.gateway.audit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * Which of the audit log's queued events its writer has written, and which of them each publishing
 * thread is waiting for: what {@link AuditLog#flush} waits on. Events are numbered in queue order (the
 * n-th queued is the n-th the writer takes: one queue, in order). Thread-safe.
 */
final class WriteProgress {

    /** The last batches that failed to be written, kept as {first, last} event numbers. */
    private static final int FAILED_RANGES = 64;

    private final Object lock = new Object();

    // Guarded by lock; notified once per batch.
    private long offered;
    private long processed;
    private final ArrayDeque<long[]> failedRanges = new ArrayDeque<>();

    /**
     * Per publishing thread, since its last {@link #awaitWritten}: the number of its first and last
     * event queued (0 when none), and whether one was dropped.
     */
    private final ThreadLocal<long[]> published = ThreadLocal.withInitial(() -> new long[3]);

    /**
     * Queues an event with {@code enqueue} (called under the lock, so that the numbering follows the
     * queue's order), and notes it for the calling thread; a refused one is noted as dropped.
     *
     * @return whether it was queued
     */
    boolean offer(BooleanSupplier enqueue) {
        long[] mine = published.get();
        synchronized (lock) {
            if (enqueue.getAsBoolean()) {
                offered++;
                if (mine[0] == 0) {
                    mine[0] = offered;
                }
                mine[1] = offered;
                return true;
            }
        }
        mine[2] = 1;
        return false;
    }

    /** Runs {@code action} (a drain of the queue) with no offer in between. */
    void exclusively(Runnable action) {
        synchronized (lock) {
            action.run();
        }
    }

    /** Counts a batch the writer took: written, or failed to be written ({@code ok} false). */
    void processed(int events, boolean ok) {
        if (events == 0) {
            return;
        }
        synchronized (lock) {
            if (!ok) {
                failedRanges.addLast(new long[] {processed + 1, processed + events});
                if (failedRanges.size() > FAILED_RANGES) {
                    failedRanges.removeFirst();
                }
            }
            processed += events;
            lock.notifyAll();
        }
    }

    /**
     * Waits until the events the calling thread queued since its last call are written (not yet
     * synced), or {@code max} has passed, or {@code writerAlive} says the writer is gone: whether they
     * all are (false when one was dropped, or its batch failed to be written).
     */
    boolean awaitWritten(Duration max, BooleanSupplier writerAlive) {
        long[] mine = published.get();
        long first = mine[0];
        long last = mine[1];
        boolean lost = mine[2] != 0;
        mine[0] = 0;
        mine[1] = 0;
        mine[2] = 0;
        if (last == 0) {
            return !lost;
        }
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (processed < last) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !writerAlive.getAsBoolean()) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            for (long[] r : failedRanges) {
                if (r[0] <= last && r[1] >= first) {
                    return false;
                }
            }
            return !lost;
        }
    }
}
