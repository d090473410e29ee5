package dev.failover.gateway.mirror;

import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.FailoverEvents;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.failover.Transition;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps mirror writes out of switchovers. Break before make applies to the mirror too: a value
 * written to the standby after it was promoted would overwrite the new active's state.
 *
 * <p>The gate is open only while the pair is PROTECTED or UNPROTECTED. The failover controller's
 * thread reports every state change ({@link #stateChanged}) synchronously, after the controller's
 * lock is released and before it performs the new state's first action (a demotion, a fence, a
 * promotion); when the new state is any
 * other, the gate closes and waits for a write in flight to end. A write runs inside the gate
 * ({@link #whileOpen}) and only if no state change happened since the cycle read the pair status
 * (the epoch it saw). So no mirror write is in flight from the moment a switchover is decided until
 * the pair is steady again, and none lands on a controller chosen from an outdated status.
 *
 * <p>Thread-safe. The supplier given to {@link #whileOpen} should not wait on the failover
 * controller's thread: that thread may be waiting here for the write to end.
 */
final class SwitchGate {

    private static final Logger log = LoggerFactory.getLogger(SwitchGate.class);

    /**
     * How long a state change waits for a write in flight. A write ends within the link's command
     * timeout (250 ms on Modbus); this bound is only reached by a link that breaks its contract, and
     * a switchover must not wait for ever on the mirror.
     */
    static final Duration WAIT_FOR_WRITE = Duration.ofSeconds(1);

    private final ReentrantLock writing = new ReentrantLock();
    private final AtomicLong epoch = new AtomicLong();
    private final String pair;
    private volatile boolean open;

    SwitchGate(String pair) {
        this.pair = pair;
    }

    /** The number of state changes so far: a cycle reads it before it reads the pair status. */
    long epoch() {
        return epoch.get();
    }

    /** Whether a write may start for a cycle that saw {@code seenEpoch}. */
    boolean isOpen(long seenEpoch) {
        return open && epoch.get() == seenEpoch;
    }

    /**
     * Runs {@code write} if the gate is open and no state change happened since {@code seenEpoch};
     * a state change meanwhile waits until it returns.
     *
     * @return its result, or empty if the gate was closed or the state had changed
     */
    <T> Optional<T> whileOpen(long seenEpoch, Supplier<T> write) {
        writing.lock();
        try {
            return isOpen(seenEpoch) ? Optional.of(write.get()) : Optional.empty();
        } finally {
            writing.unlock();
        }
    }

    /** Called on the failover controller's thread for each state change, before any action of the new state. */
    void stateChanged(PairState to) {
        epoch.incrementAndGet();
        if (to == PairState.PROTECTED || to == PairState.UNPROTECTED) {
            open = true;
            return;
        }
        open = false;
        try {
            if (writing.tryLock(WAIT_FOR_WRITE.toMillis(), TimeUnit.MILLISECONDS)) {
                writing.unlock();
            } else {
                log.error(
                        "pair {} is {}, but a mirror write to the standby has not ended after {}: going on",
                        pair,
                        to,
                        WAIT_FOR_WRITE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while waiting for a mirror write of pair {} to end", pair);
        }
    }

    /**
     * {@code next}, with every state change reported to this gate first. Every method of {@link
     * FailoverEvents} is passed on.
     */
    FailoverEvents guarding(FailoverEvents next) {
        return new FailoverEvents() {
            @Override
            public void transition(Transition transition) {
                stateChanged(transition.to());
                next.transition(transition);
            }

            @Override
            public void alarm(Alarm alarm, boolean raised, String detail) {
                next.alarm(alarm, raised, detail);
            }

            @Override
            public void switchover(SwitchoverReport report) {
                next.switchover(report);
            }
        };
    }
}
