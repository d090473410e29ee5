package dev.failover.gateway.it;

import dev.failover.plcsim.SimSnapshot;
import dev.failover.testkit.SimPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Records both simulated controllers of a {@link SimPair} about once a millisecond each, for checks
 * of the process over a time window: level, pump and inflow as each controller's last scan saw them.
 *
 * <p>One thread per controller: taking a snapshot waits while that controller crashes or restarts
 * (up to ~150 ms), and the other controller must be watched meanwhile. A controller's level is the
 * plant's level at its last scan (every 10 ms); the two scans are not in step. Thread-safe.
 */
final class ProcessTrace implements AutoCloseable {

    /** One controller at one instant ({@link System#nanoTime}). */
    record Sample(long nanos, SimSnapshot plc) {}

    private final Map<String, Recorder> recorders;

    ProcessTrace(SimPair pair) {
        this.recorders = Map.of(SimPair.A, new Recorder(pair, SimPair.A), SimPair.B, new Recorder(pair, SimPair.B));
    }

    /** The samples of {@code id} taken from {@code fromNanos} to {@code toNanos}, in order. */
    List<Sample> between(String id, long fromNanos, long toNanos) {
        return recorders.get(id).between(fromNanos, toNanos);
    }

    /** The time up to which both controllers have been sampled, {@link Long#MIN_VALUE} before that. */
    long latestNanos() {
        return Math.min(
                recorders.get(SimPair.A).latestNanos(), recorders.get(SimPair.B).latestNanos());
    }

    /** Forgets the samples taken before {@code nanos}, so that a long test keeps a bounded trace. */
    void forgetBefore(long nanos) {
        recorders.values().forEach(r -> r.forgetBefore(nanos));
    }

    @Override
    public void close() throws InterruptedException {
        for (Recorder r : recorders.values()) {
            r.close();
        }
    }

    private static final class Recorder {

        private final Thread thread;
        private final List<Sample> samples = new ArrayList<>();
        private volatile boolean running = true;

        Recorder(SimPair pair, String id) {
            this.thread = Thread.ofPlatform()
                    .name("process-trace-" + id)
                    .daemon(true)
                    .start(() -> {
                        while (running) {
                            SimSnapshot s = pair.plc(id).snapshot();
                            // Stamped after the snapshot: a snapshot that waited is not dated before its wait.
                            add(new Sample(System.nanoTime(), s));
                            // Pacing of the recorder (about 1,000 samples a second), not synchronisation.
                            LockSupport.parkNanos(1_000_000);
                        }
                    });
        }

        private synchronized void add(Sample s) {
            samples.add(s);
        }

        synchronized List<Sample> between(long fromNanos, long toNanos) {
            return samples.stream()
                    .filter(s -> s.nanos() >= fromNanos && s.nanos() <= toNanos)
                    .toList();
        }

        synchronized long latestNanos() {
            return samples.isEmpty() ? Long.MIN_VALUE : samples.getLast().nanos();
        }

        synchronized void forgetBefore(long nanos) {
            samples.removeIf(s -> s.nanos() < nanos);
        }

        void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(1000);
        }
    }
}
