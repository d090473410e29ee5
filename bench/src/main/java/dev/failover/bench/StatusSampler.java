package dev.failover.bench;

import dev.failover.gateway.mirror.MirrorStatus;
import dev.failover.gateway.mirror.StateMirror;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads a pair's {@link MirrorStatus} about once a millisecond: how often the standby was reported
 * behind ({@code lagMillis} > 0) and how old the last completed mirror cycle was.
 */
final class StatusSampler implements AutoCloseable {

    /**
     * @param samples status readings
     * @param behind readings with the standby not in sync
     * @param maxLagMillis the largest {@code lagMillis} read
     * @param cycleAge {@code lastCycleAgeMillis} of every reading, ms
     * @param cycles mirror cycles during the sampling
     */
    record Summary(long samples, long behind, long maxLagMillis, Stats cycleAge, long cycles) {}

    private final StateMirror mirror;
    private final Thread thread;
    private volatile boolean running = true;
    private long samples;
    private long behind;
    private long maxLag;
    private Stats cycleAge = new Stats();
    private long firstCycles = -1;
    private long lastCycles;

    StatusSampler(StateMirror mirror) {
        this.mirror = mirror;
        this.thread =
                Thread.ofPlatform().name("mirror-status-sampler").daemon(true).start(this::loop);
    }

    private void loop() {
        while (running) {
            MirrorStatus s = mirror.status();
            synchronized (this) {
                samples++;
                if (!s.inSync()) {
                    behind++;
                }
                maxLag = Math.max(maxLag, s.lagMillis());
                if (s.lastCycleAgeMillis() >= 0) {
                    cycleAge.add(s.lastCycleAgeMillis());
                }
                if (firstCycles < 0) {
                    firstCycles = s.cycles();
                }
                lastCycles = s.cycles();
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Starts counting afresh (after a warm-up). */
    synchronized void reset() {
        samples = 0;
        behind = 0;
        maxLag = 0;
        cycleAge = new Stats();
        firstCycles = -1;
    }

    synchronized Summary summary() {
        return new Summary(samples, behind, maxLag, cycleAge, Math.max(0, lastCycles - firstCycles));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(1000);
    }
}
