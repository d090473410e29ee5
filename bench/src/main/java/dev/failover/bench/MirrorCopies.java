package dev.failover.bench;

import dev.failover.gateway.mirror.MirrorWrite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The state mirror's writes of one tag to a standby, each stamped with the time its {@link
 * dev.failover.gateway.mirror.StateMirror#onWrite} listener was called: after the write and its
 * read-back, so from then on the standby is known to hold the value. Thread-safe.
 */
final class MirrorCopies {

    /** One confirmed write: {@code value} in engineering units, at {@code nanos} ({@link System#nanoTime}). */
    record Copy(long nanos, String to, double value) {}

    private final String tag;
    private final List<Copy> copies = new ArrayList<>();

    MirrorCopies(String tag) {
        this.tag = tag;
    }

    /** The listener to give {@code StateMirror.onWrite}: quick, as it runs while switchovers wait. */
    synchronized void add(MirrorWrite write) {
        Double value = write.values().get(tag);
        if (value != null && write.ok()) {
            copies.add(new Copy(System.nanoTime(), write.to(), value));
            notifyAll();
        }
    }

    /** Forgets every write recorded so far. */
    synchronized void clear() {
        copies.clear();
    }

    /**
     * The first write of {@code value} to {@code to} recorded at or after {@code sinceNanos}, waiting
     * for it up to {@code timeout}.
     */
    synchronized Optional<Copy> await(String to, double value, long sinceNanos, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Copy> found = copies.stream()
                    .filter(c -> c.nanos() >= sinceNanos && c.to().equals(to) && Math.abs(c.value() - value) < 1e-9)
                    .findFirst();
            long left = deadline - System.nanoTime();
            if (found.isPresent() || left <= 0) {
                return found;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
