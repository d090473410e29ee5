package dev.failover.plcsim.comms;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The WARN lines of an {@link Admission}: at most one a second per kind of outcome, each a summary
 * with counts, never one line per attempt (a flood of connections must not become a flood of log
 * lines). The first outcome of a kind after a quiet second is reported at once; the ones that follow
 * within the second are summed and reported when it ends.
 *
 * <p>Thread-safe.
 */
final class AdmissionWarnings {

    /** At most one line per kind this often. */
    static final Duration EVERY = Duration.ofSeconds(1);

    /** What happened to a connection before it authenticated. */
    enum Kind {
        REFUSED,
        EVICTED,
        HANDSHAKE_FAILED,
        HANDSHAKE_TIMED_OUT
    }

    private static final class Tally {
        long sinceReport;
        long total;
        String last = "";
        long reportedNanos;
        boolean reported;
        boolean flushScheduled;
    }

    private final String protocol;
    private final String handshake;
    private final Admission.Limits limits;
    private final Scheduler scheduler;
    private final LongSupplier nanoTime;
    private final Consumer<String> sink;
    // Guarded by this.
    private final Map<Kind, Tally> tallies = new EnumMap<>(Kind.class);

    /**
     * @param protocol the listener, for the lines, e.g. {@code Modbus/TCP Security}
     * @param handshake what a connection must complete, e.g. {@code TLS handshake}
     * @param sink where a line goes (the log at WARN)
     */
    AdmissionWarnings(
            String protocol,
            String handshake,
            Admission.Limits limits,
            Scheduler scheduler,
            LongSupplier nanoTime,
            Consumer<String> sink) {
        this.protocol = protocol;
        this.handshake = handshake;
        this.limits = limits;
        this.scheduler = scheduler;
        this.nanoTime = nanoTime;
        this.sink = sink;
        for (Kind kind : Kind.values()) {
            tallies.put(kind, new Tally());
        }
    }

    /** Counts one outcome of {@code kind}; {@code detail} names the source and the reason. */
    void record(Kind kind, String detail) {
        Optional<String> line;
        synchronized (this) {
            Tally tally = tallies.get(kind);
            tally.sinceReport++;
            tally.total++;
            tally.last = detail;
            long now = nanoTime.getAsLong();
            long quietFor = now - tally.reportedNanos;
            if (!tally.reported || quietFor >= EVERY.toNanos()) {
                line = Optional.of(report(kind, tally, now));
            } else {
                line = Optional.empty();
                if (!tally.flushScheduled) {
                    tally.flushScheduled = true;
                    scheduler.schedule(() -> flush(kind), Duration.ofNanos(EVERY.toNanos() - quietFor));
                }
            }
        }
        line.ifPresent(sink);
    }

    private void flush(Kind kind) {
        Optional<String> line = Optional.empty();
        synchronized (this) {
            Tally tally = tallies.get(kind);
            tally.flushScheduled = false;
            if (tally.sinceReport > 0) {
                line = Optional.of(report(kind, tally, nanoTime.getAsLong()));
            }
        }
        line.ifPresent(sink);
    }

    /** The line for {@code tally}, which then starts a new second; the caller holds the monitor. */
    private String report(Kind kind, Tally tally, long now) {
        long count = tally.sinceReport;
        tally.sinceReport = 0;
        tally.reportedNanos = now;
        tally.reported = true;
        String connections = count == 1 ? "1 connection" : count + " connections";
        String what = switch (kind) {
            case REFUSED ->
                "refused " + connections + " (limits: " + limits.maxPending()
                        + " unauthenticated in total, " + limits.maxPendingPerSource() + " per source address, "
                        + limits.maxAuthenticated() + " authenticated)";
            case EVICTED ->
                "closed " + connections + " still without a " + handshake + " to admit sources holding fewer of the "
                        + limits.maxPending() + " unauthenticated slots";
            case HANDSHAKE_FAILED -> "closed " + connections + " whose " + handshake + " failed";
            case HANDSHAKE_TIMED_OUT ->
                "closed " + connections + " without a " + handshake + " within "
                        + limits.handshakeTimeout().toMillis() + " ms";
        };
        return protocol + " admission: " + what + " since the last report, " + tally.total + " since start; last: "
                + tally.last;
    }
}
