package dev.failover.gateway.health;

import java.time.Duration;

/**
 * How long a poll of one controller waits for its answer: an adaptive deadline after RFC 6298, the
 * smoothed round trip plus four mean deviations, {@code SRTT + max(G, 4·RTTVAR)}, at most the
 * configured ceiling. The margin {@code G}, which RFC 6298 sets to the clock granularity, is here the
 * configured floor ({@code responseTimeout}): the least time an answer gets beyond the controller's
 * usual round trip, covering the gateway's own scheduling on a small box. A controller that answers in
 * a steady 1 ms gets 1 ms plus the floor; one whose answers start to scatter (a loaded controller, a
 * busy network, the gateway's own busy CPU) gets more time before a late answer counts as a miss, up
 * to the ceiling, so jitter does not turn into false suspicion while a dead controller is still caught
 * within a bounded time. Before the first measured answer the deadline is the ceiling: a cold start
 * has no baseline.
 *
 * <p>Only clean samples feed it (Karn's rule): answers to polls the gateway ran on time for. A
 * timeout gives no sample and, unlike TCP's retransmission timer, does not back the deadline off: a
 * controller that suddenly answers later than its deadline (hung, or slowed by a fault) is missing
 * polls, and must not widen its own deadline by doing so.
 *
 * <p>Fed by one thread (the controller's poll thread); {@link #figures()} may be read from any thread.
 */
public final class ResponseDeadline {

    /** RFC 6298's gains: 1/8 for the mean, 1/4 for the deviation. */
    private static final double ALPHA = 1.0 / 8;

    private static final double BETA = 1.0 / 4;

    private final long floorNanos;
    private final long ceilingNanos;

    private double srtt = Double.NaN;
    private double rttvar;
    private long samples;
    private volatile long deadlineNanos;
    private volatile Figures figures;

    /** The deadline's figures: the smoothed round trip, its mean deviation, and the deadline now. */
    public record Figures(double srttMillis, double rttvarMillis, double deadlineMillis, long samples) {}

    /**
     * @param floor the least margin beyond the smoothed round trip ({@code G})
     * @param ceiling the longest deadline, and the deadline before the first answer
     */
    public ResponseDeadline(Duration floor, Duration ceiling) {
        if (floor.isNegative() || floor.isZero() || ceiling.compareTo(floor) < 0) {
            throw new IllegalArgumentException("the floor must be positive and the ceiling not below it");
        }
        this.floorNanos = floor.toNanos();
        this.ceilingNanos = ceiling.toNanos();
        this.deadlineNanos = ceilingNanos;
        this.figures = new Figures(Double.NaN, Double.NaN, ceilingNanos / 1e6, 0);
    }

    /** The deadline for the next poll. */
    public Duration current() {
        return Duration.ofNanos(deadlineNanos);
    }

    /** Folds in the round trip of an answer to a poll the gateway ran on time for. */
    public void sample(long roundTripNanos) {
        if (roundTripNanos < 0) {
            return;
        }
        double r = roundTripNanos;
        if (Double.isNaN(srtt)) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (1 - BETA) * rttvar + BETA * Math.abs(srtt - r);
            srtt = (1 - ALPHA) * srtt + ALPHA * r;
        }
        samples++;
        long deadline = Math.min(ceilingNanos, Math.round(srtt + Math.max(floorNanos, 4 * rttvar)));
        deadlineNanos = deadline;
        figures = new Figures(srtt / 1e6, rttvar / 1e6, deadline / 1e6, samples);
    }

    public Figures figures() {
        return figures;
    }
}
