package dev.failover.plcsim.comms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} on a fake clock: tasks run when a test {@link #advance}s the clock past them,
 * on the test's thread, never on their own. Not thread-safe.
 */
final class ManualScheduler implements Scheduler {

    private static final class Task {
        final long dueNanos;
        final Runnable body;
        boolean cancelled;

        Task(long dueNanos, Runnable body) {
            this.dueNanos = dueNanos;
            this.body = body;
        }
    }

    private final List<Task> tasks = new ArrayList<>();
    private long nowNanos;

    @Override
    public Runnable schedule(Runnable task, Duration delay) {
        Task scheduled = new Task(nowNanos + delay.toNanos(), task);
        tasks.add(scheduled);
        return () -> scheduled.cancelled = true;
    }

    /** The fake clock, for the component's own time source. */
    long nanoTime() {
        return nowNanos;
    }

    /** Moves the clock on by {@code by}, running every task due by then in due order. */
    void advance(Duration by) {
        long until = nowNanos + by.toNanos();
        while (true) {
            Task next = tasks.stream()
                    .filter(t -> !t.cancelled && t.dueNanos <= until)
                    .min(Comparator.comparingLong(t -> t.dueNanos))
                    .orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            nowNanos = Math.max(nowNanos, next.dueNanos);
            next.body.run();
        }
        nowNanos = until;
    }

    /** Tasks scheduled and neither run nor cancelled. */
    long waiting() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }
}
