package dev.failover.plcsim.comms;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay; what {@link Admission} needs of a timer, so that tests can run
 * deadlines when they choose instead of waiting for them. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Scheduler {

    /**
     * Runs {@code task} once after {@code delay} on the scheduler's own thread.
     *
     * @return cancels the task if it has not run yet; idempotent
     */
    Runnable schedule(Runnable task, Duration delay);

    /**
     * Backed by {@code executor}. Once the executor is shut down (its controller closed) tasks are
     * dropped: every connection is closed with the server anyway.
     */
    static Scheduler of(ScheduledExecutorService executor) {
        return (task, delay) -> {
            try {
                Future<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            } catch (RejectedExecutionException e) {
                return () -> {};
            }
        };
    }
}
