package dev.failover.gateway.health;

import dev.failover.gateway.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.LockSupport;

/**
 * Knows when the gateway itself was not running (safety rule 10: a miss counts only if the gateway
 * was there to see it). A thread sleeps a fixed short interval and records how late it wakes, as
 * jHiccup does: a late wake-up means the process was not running on time, whatever the cause (a
 * GC pause, a busy CPU, SIGSTOP, a suspended VM). A poll that timed out while the gateway was not
 * running is no evidence against the controller: its answer may have been waiting in the socket.
 *
 * <p>Thread-safe and cheap for its callers: {@link #ranThrough} never waits. When the detector's own
 * thread has not woken for longer than a tick plus the tolerance, the gateway is in a pause right now
 * (after a stop every thread resumes at once, and a poll thread may look before the detector does),
 * and nothing is vouched for.
 */
public final class PauseDetector implements LocalPauses, AutoCloseable {

    /** Pauses remembered, newest last: enough for the intervals the polls ask about. */
    private static final int REMEMBERED = 256;

    private final Ticker ticker;
    private final long toleranceNanos;
    /**
     * How often the detector's thread wakes: the tolerance, 1 to 5 ms. Lateness is measured against the
     * tick, so a longer tick does not hide a pause; it costs fewer wake-ups (each costs CPU: at 2.5 ms
     * the detector took 1 % of a core).
     */
    private final long tickNanos;

    private final Thread thread;
    private final GcPauses gc;
    private volatile boolean running = true;
    private volatile long lastTickNanos;

    // Guarded by this.
    private final Deque<long[]> pauses = new ArrayDeque<>();
    private long ticks;
    private long pauseCount;
    private long gcPauses;
    private long maxLatenessNanos;
    /** Counts of lateness by power-of-two bucket of microseconds, for the p99. */
    private final long[] lateness = new long[40];

    private PauseDetector(Ticker ticker, Duration tolerance) {
        this.ticker = ticker;
        this.toleranceNanos = tolerance.toNanos();
        this.tickNanos = Math.clamp(toleranceNanos, 1_000_000L, 5_000_000L);
        this.lastTickNanos = ticker.nanos();
        this.thread = Thread.ofPlatform().name("pause-detector").daemon(true).start(this::loop);
        this.gc = GcPauses.watch(this, ticker, toleranceNanos);
    }

    /**
     * Starts the detector's thread. A wake-up later than {@code tolerance} (beyond the tick) is a
     * pause: any poll whose exchange overlaps it is judged inconclusive.
     */
    public static PauseDetector start(Ticker ticker, Duration tolerance) {
        return new PauseDetector(ticker, tolerance);
    }

    private void loop() {
        while (running) {
            long before = ticker.nanos();
            LockSupport.parkNanos(tickNanos);
            tick(before, ticker.nanos());
        }
    }

    /**
     * Records a pause that another source saw (the JVM's own report of a collection that stopped every
     * thread, see {@link GcPauses}): polls overlapping {@code [fromNanos, toNanos]} prove nothing.
     */
    synchronized void pause(long fromNanos, long toNanos) {
        gcPauses++;
        remember(fromNanos, toNanos);
    }

    private void remember(long fromNanos, long toNanos) {
        if (pauses.size() == REMEMBERED) {
            pauses.removeFirst();
        }
        pauses.addLast(new long[] {fromNanos, toNanos});
    }

    private synchronized void tick(long before, long now) {
        long late = Math.max(0, now - before - tickNanos);
        ticks++;
        maxLatenessNanos = Math.max(maxLatenessNanos, late);
        lateness[Math.min(lateness.length - 1, 64 - Long.numberOfLeadingZeros(late / 1_000))]++;
        if (late > toleranceNanos) {
            pauseCount++;
            remember(before, now);
        }
        lastTickNanos = now;
    }

    @Override
    public boolean ranThrough(long fromNanos, long toNanos) {
        if (!running || ticker.nanos() - lastTickNanos > tickNanos + toleranceNanos) {
            // The detector itself has not run for a while: the gateway is paused or starved right now.
            return false;
        }
        synchronized (this) {
            for (long[] p : pauses) {
                if (p[1] - fromNanos > 0 && toNanos - p[0] > 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The detector's figures since start: how often and how badly the gateway was late. */
    public synchronized Figures figures() {
        long rank = (long) Math.ceil(ticks * 0.99);
        long seen = 0;
        long p99Micros = 0;
        for (int i = 0; i < lateness.length; i++) {
            seen += lateness[i];
            if (seen >= rank) {
                p99Micros = i == 0 ? 0 : 1L << (i - 1);
                break;
            }
        }
        return new Figures(ticks, pauseCount, gcPauses, p99Micros / 1_000.0, maxLatenessNanos / 1e6);
    }

    /**
     * @param ticks wake-ups since start
     * @param pauses wake-ups later than the tolerance
     * @param gcPauses collections the JVM reported that stopped the gateway longer than the tolerance
     * @param p99Millis the 99th percentile of lateness (lower bound of its power-of-two bucket)
     * @param maxMillis the worst lateness
     */
    public record Figures(long ticks, long pauses, long gcPauses, double p99Millis, double maxMillis) {}

    @Override
    public void close() {
        gc.close();
        running = false;
        thread.interrupt();
    }
}
