package dev.failover.plcsim.comms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults injected into a controller's communication: hang, slow, drop, lose and stall. The Modbus
 * server and the OPC UA server both read them, so one injection acts on both protocols; they never
 * touch the scan. Survives server restarts (one instance per controller).
 *
 * <p>{@code lose} counts requests across both protocols: {@code lose 2} leaves the next two requests
 * the controller receives unanswered, whichever server they arrive on.
 *
 * <p>Thread-safe: the control port writes, every connection thread reads. Listeners added with
 * {@link #addListener} run on the thread that changed the faults, after the change.
 */
public final class CommsFaults {

    private volatile boolean hang;
    private volatile boolean drop;
    private volatile long slowNanos;
    private volatile long stallUntilNanos;
    private volatile boolean stallSet;
    private final AtomicInteger lose = new AtomicInteger();
    private final Set<Runnable> listeners = new CopyOnWriteArraySet<>();

    /** Requests are read and never answered until {@link #clear()}. */
    public void hang() {
        hang = true;
        changed();
    }

    /** Every connection is closed right after accept until {@link #clear()}. */
    public void drop() {
        drop = true;
        changed();
    }

    /** Every response is delayed by {@code delay}; zero removes the delay. */
    public void slow(Duration delay) {
        requireNonNegative(delay, "slow");
        slowNanos = delay.toNanos();
        changed();
    }

    /** The next {@code count} requests are read and never answered. */
    public void lose(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("lose needs a count of at least 1, got " + count);
        }
        lose.set(count);
        changed();
    }

    /** Nothing is answered for {@code duration} from now, then what queued is answered. */
    public void stall(Duration duration) {
        requireNonNegative(duration, "stall");
        stallUntilNanos = System.nanoTime() + duration.toNanos();
        stallSet = true;
        changed();
    }

    /** Removes every comms fault. */
    public void clear() {
        hang = false;
        drop = false;
        slowNanos = 0;
        stallSet = false;
        lose.set(0);
        changed();
    }

    /** Whether requests must be left unanswered (and not executed). */
    public boolean hanging() {
        return hang;
    }

    /** Whether connections must be closed, open ones and new ones. */
    public boolean dropping() {
        return drop;
    }

    /** How long every response is delayed; zero for no delay. */
    public Duration slowDelay() {
        return Duration.ofNanos(slowNanos);
    }

    /** Time left until the stall ends, zero when not stalled. */
    public Duration stallRemaining() {
        if (!stallSet) {
            return Duration.ZERO;
        }
        long left = stallUntilNanos - System.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** Consumes one lost request; true if this request must go unanswered. */
    public boolean takeLost() {
        return lose.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /**
     * Calls {@code listener} after every change of the faults, e.g. to wake answers held by a hang
     * when it is cleared. A stall ending by itself is not a change: wait for {@link
     * #stallRemaining()} with a timeout.
     */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /** Removes a listener added with {@link #addListener}. */
    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** Names of the active faults, e.g. {@code hang}, {@code slow:30}, {@code lose:2}, {@code stall}. */
    public List<String> active() {
        List<String> names = new ArrayList<>();
        if (hang) {
            names.add("hang");
        }
        long slowMs = Duration.ofNanos(slowNanos).toMillis();
        if (slowNanos > 0) {
            names.add("slow:" + slowMs);
        }
        if (drop) {
            names.add("drop");
        }
        int lost = lose.get();
        if (lost > 0) {
            names.add("lose:" + lost);
        }
        if (!stallRemaining().isZero()) {
            names.add("stall");
        }
        return names;
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    private static void requireNonNegative(Duration duration, String what) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException(what + " needs a non-negative duration, got " + duration);
        }
    }
}
