package dev.failover.gateway.failover;

/** The switchover in flight and the break steps tried so far. */
final class Switchover {
    final SwitchoverKind kind;
    final String from;
    final String to;
    final String reason;
    final String requestId;
    final long faultNanos;
    final long detectedNanos;
    final int attempt;
    boolean demoteTried;
    boolean fenceTried;
    String fenceFailure = "";
    SwitchoverReport.OldActive oldActive = SwitchoverReport.OldActive.NONE;

    Switchover(
            SwitchoverKind kind,
            String from,
            String to,
            String reason,
            String requestId,
            long faultNanos,
            long detectedNanos,
            int attempt) {
        this.kind = kind;
        this.from = from;
        this.to = to;
        this.reason = reason;
        this.requestId = requestId;
        this.faultNanos = faultNanos;
        this.detectedNanos = detectedNanos;
        this.attempt = attempt;
    }

    SwitchoverReport report(SwitchoverReport.Outcome outcome, String failure, long lastDrivenNanos, long now) {
        return new SwitchoverReport(
                kind,
                from,
                to,
                reason,
                outcome,
                failure,
                requestId,
                faultNanos,
                lastDrivenNanos,
                detectedNanos,
                now,
                oldActive,
                attempt);
    }
}
