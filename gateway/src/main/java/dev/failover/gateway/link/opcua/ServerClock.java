package dev.failover.gateway.link.opcua;

import java.util.OptionalLong;

/**
 * Maps the server's timestamps onto the gateway's monotonic ticker, so the age of a subscribed value
 * can be judged without trusting that the two clocks agree.
 *
 * <p>Each Read yields a sample: the server stamped its answer at some instant between sending the
 * request and receiving the answer, so {@code offset = serverTime - (sent + received) / 2} is right
 * to within half the round trip (plus the server timestamp's resolution, one millisecond on Milo).
 * The estimate kept is the sample with the smallest uncertainty, whose uncertainty grows by {@link
 * #DRIFT_PER_SECOND} a second as the clocks may drift apart, so fresher samples win in time and a
 * server clock step is absorbed within seconds. An estimate older than {@code maxAge} is not used.
 *
 * <p>Thread-safe.
 */
final class ServerClock {

    /** Server timestamps have millisecond resolution (Milo's {@code DateTime.now()}). */
    static final long RESOLUTION_NANOS = 1_000_000;

    /** How fast an estimate's uncertainty grows: a generous 1 ms a second. */
    static final double DRIFT_PER_SECOND = 1e-3;

    private final long maxAgeNanos;

    private boolean calibrated;
    private long offsetNanos;
    private long uncertaintyNanos;
    private long sampledAtNanos;

    /** @param maxAgeNanos how long an estimate may be used without a new sample */
    ServerClock(long maxAgeNanos) {
        this.maxAgeNanos = maxAgeNanos;
    }

    /**
     * Folds in one request: sent and answered at these ticker readings, stamped {@code serverEpochNanos}
     * by the server.
     */
    synchronized void sample(long sentNanos, long receivedNanos, long serverEpochNanos) {
        long uncertainty = (receivedNanos - sentNanos) / 2 + RESOLUTION_NANOS;
        if (!calibrated || uncertainty <= uncertaintyAt(receivedNanos)) {
            calibrated = true;
            offsetNanos = serverEpochNanos - (sentNanos + (receivedNanos - sentNanos) / 2);
            uncertaintyNanos = uncertainty;
            sampledAtNanos = receivedNanos;
        }
    }

    private long uncertaintyAt(long nowNanos) {
        return uncertaintyNanos + (long) ((nowNanos - sampledAtNanos) * DRIFT_PER_SECOND);
    }

    /** The ticker reading at which the server's clock read {@code serverEpochNanos}, if calibrated. */
    synchronized OptionalLong toTicker(long serverEpochNanos, long nowNanos) {
        if (!calibrated || nowNanos - sampledAtNanos > maxAgeNanos) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(serverEpochNanos - offsetNanos);
    }

    /** Whether a sample was taken within {@code withinNanos} before {@code nowNanos}. */
    synchronized boolean sampledWithin(long withinNanos, long nowNanos) {
        return calibrated && nowNanos - sampledAtNanos <= withinNanos;
    }

    /** The uncertainty of the estimate now, or {@link Long#MAX_VALUE} before the first sample. */
    synchronized long uncertaintyNanos(long nowNanos) {
        return calibrated ? uncertaintyAt(nowNanos) : Long.MAX_VALUE;
    }
}
