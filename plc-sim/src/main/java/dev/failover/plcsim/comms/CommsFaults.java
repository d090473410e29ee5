package dev.failover.plcsim.modbus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults injected into the Modbus communication: hang, slow, drop, lose and stall. They act on the
 * server only, never on the scan. Survives server restarts (one instance per controller).
 *
 * <p>Thread-safe: the control port writes, every connection thread reads.
 */
public final class CommsFaults {

    private volatile boolean hang;
    private volatile boolean drop;
    private volatile long slowNanos;
    private volatile long stallUntilNanos;
    private volatile boolean stallSet;
    private final AtomicInteger lose = new AtomicInteger();

    /** Requests are read and never answered until {@link #clear()}. */
    public void hang() {
        hang = true;
    }

    /** Every connection is closed right after accept until {@link #clear()}. */
    public void drop() {
        drop = true;
    }

    /** Every response is delayed by {@code delay}; zero removes the delay. */
    public void slow(Duration delay) {
        requireNonNegative(delay, "slow");
        slowNanos = delay.toNanos();
    }

    /** The next {@code count} requests are read and never answered. */
    public void lose(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("lose needs a count of at least 1, got " + count);
        }
        lose.set(count);
    }

    /** Nothing is answered for {@code duration} from now, then what queued is answered. */
    public void stall(Duration duration) {
        requireNonNegative(duration, "stall");
        stallUntilNanos = System.nanoTime() + duration.toNanos();
        stallSet = true;
    }

    /** Removes every comms fault. */
    public void clear() {
        hang = false;
        drop = false;
        slowNanos = 0;
        stallSet = false;
        lose.set(0);
    }

    boolean hanging() {
        return hang;
    }

    boolean dropping() {
        return drop;
    }

    Duration slowDelay() {
        return Duration.ofNanos(slowNanos);
    }

    /** Time left until the stall ends, zero when not stalled. */
    Duration stallRemaining() {
        if (!stallSet) {
            return Duration.ZERO;
        }
        long left = stallUntilNanos - System.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** Consumes one lost request; true if this request must go unanswered. */
    boolean takeLost() {
        return lose.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
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

    private static void requireNonNegative(Duration duration, String what) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException(what + " needs a non-negative duration, got " + duration);
        }
    }
}
