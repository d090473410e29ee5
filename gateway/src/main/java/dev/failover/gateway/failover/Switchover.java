package dev.failover.gateway.failover;

/** The switchover in flight and the break steps tried so far. */
final class Switchover {
    final SwitchoverKind kind;
    final String from;
    final String to;
    final String reason;
    final String requestId;
    final long lastGoodNanos;
    final long detectedNanos;
    boolean demoteTried;
    boolean fenceTried;
    boolean fencedOld;

    Switchover(
            SwitchoverKind kind,
            String from,
            String to,
            String reason,
            String requestId,
            long lastGood,
            long detected) {
        this.kind = kind;
        this.from = from;
        this.to = to;
        this.reason = reason;
        this.requestId = requestId;
        this.lastGoodNanos = lastGood;
        this.detectedNanos = detected;
    }

    SwitchoverReport report(SwitchoverReport.Outcome outcome, String failure, long now) {
        return new SwitchoverReport(
                kind,
                from,
                to,
                reason,
                outcome,
                failure,
                requestId,
                kind == SwitchoverKind.FAILOVER ? lastGoodNanos : Long.MIN_VALUE,
                detectedNanos,
                now,
                fencedOld);
    }
}
