package dev.failover.gateway.failover;

import dev.failover.gateway.config.FailoverPolicy.UnreachableActive;
import dev.failover.gateway.health.Health;
import java.util.List;

/**
 * {@link PairState#SWITCHING}: a switchover in flight, break before make (safety rule 1). The old
 * active is demoted over its link (verified), or, if it is unreachable, its outputs are cut with its
 * fence (verified); only then is the new one promoted. If neither can be confirmed the new one is not
 * promoted and {@link Alarm#OLD_ACTIVE_NOT_CONFIRMED_DOWN} is raised, unless the policy names {@link
 * UnreachableActive#PRESUME_DOWN}. A planned switchover (manual, failback) never fences. Each step is
 * taken through {@link Stepping}: the switchover moves on only with the step's result, and ends
 * completed ({@link Steady}) or failed ({@link Blocked}, retried after a back-off).
 *
 * @param active the controller the gateway treats as active until the switchover completes
 * @param switchover the switchover and the break steps tried so far
 */
record Switching(String active, Switchover switchover) implements Phase {

    @Override
    public PairState state() {
        return PairState.SWITCHING;
    }

    /** A switchover moves on with its steps' results alone. */
    @Override
    public List<Action> evaluate(PairContext c) {
        return List.of();
    }

    @Override
    public String refusal(PairContext c) {
        return "a switchover or recovery step is in progress";
    }

    static List<Action> start(PairContext c, SwitchoverKind kind, String from, String to, String reason) {
        return start(c, kind, from, to, reason, null);
    }

    /**
     * Starts a switchover from {@code from} ({@code null}: nobody to break) to {@code to}: the pair is
     * SWITCHING, and the first break step is taken. An automatic one counts as an attempt of the
     * current {@link Incident}; a planned one (manual, failback) does not.
     */
    static List<Action> start(
            PairContext c, SwitchoverKind kind, String from, String to, String reason, String requestId) {
        long now = c.ticker.nanos();
        boolean planned = kind == SwitchoverKind.MANUAL || kind == SwitchoverKind.FAILBACK;
        Incident i = planned ? null : c.incident;
        int attempt = 1;
        if (i != null) {
            attempt = ++i.attempts;
        }
        Switching next = new Switching(
                c.phase().active(),
                new Switchover(
                        kind,
                        from,
                        to,
                        reason,
                        requestId,
                        i == null ? Long.MIN_VALUE : i.faultNanos,
                        i == null ? now : i.detectedNanos,
                        attempt));
        c.moveTo(next, kind + " " + (from == null ? "" : from + " -> ") + to + ": " + reason);
        return next.breakStep(c);
    }

    /** The next step of the break: demote, else fence, else presume down or give up; then promote. */
    private List<Action> breakStep(PairContext c) {
        Switchover s = switchover;
        if (s.from == null) {
            return c.issue(new Action.Promote(s.to));
        }
        if (c.fenced(s.from)) {
            s.oldActive = SwitchoverReport.OldActive.FENCED;
            return c.issue(new Action.Promote(s.to));
        }
        Health old = c.health(s.from);
        if (old.reachable() && !s.demoteTried) {
            s.demoteTried = true;
            return c.issue(new Action.Demote(s.from));
        }
        if (s.kind == SwitchoverKind.MANUAL || s.kind == SwitchoverKind.FAILBACK) {
            // A planned switchover never fences a controller that is not failed.
            return abort(c, Alarm.SWITCHOVER_FAILED, "could not demote " + s.from + "; it stays active");
        }
        if (c.fenceable.contains(s.from) && !s.fenceTried) {
            s.fenceTried = true;
            return c.issue(new Action.Fence(s.from));
        }
        if (c.policy.unreachableActive() == UnreachableActive.PRESUME_DOWN) {
            long downFor = c.ticker.nanos() - old.lastGoodNanos();
            if (old.lastGoodNanos() == Long.MIN_VALUE
                    || downFor >= c.policy.presumeDownAfter().toNanos()) {
                c.raise(
                        Alarm.PROMOTED_UNCONFIRMED,
                        "promoting " + s.to + " without confirming " + s.from
                                + " is down (unreachableActive: presume-down)"
                                + (s.fenceFailure.isEmpty() ? "" : "; its fence failed: " + s.fenceFailure));
                s.oldActive = SwitchoverReport.OldActive.PRESUMED_DOWN;
                return c.issue(new Action.Promote(s.to));
            }
            c.nextAttemptNanos =
                    old.lastGoodNanos() + c.policy.presumeDownAfter().toNanos();
        }
        return abort(
                c,
                Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN,
                "cannot confirm " + s.from + " is demoted or fenced ("
                        + (s.fenceFailure.isEmpty() ? old.reason() : "fencing failed: " + s.fenceFailure)
                        + "): not promoting " + s.to);
    }

    @Override
    public List<Action> afterStep(PairContext c, Input.StepDone done) {
        Switchover s = switchover;
        String id = done.action().controllerId();
        switch (done.action()) {
            case Action.Fence f -> {
                if (done.ok()) {
                    s.oldActive = SwitchoverReport.OldActive.FENCED;
                    return c.issue(new Action.Promote(s.to));
                }
                // Not the end: presume-down, where configured, still applies (safety rule 9).
                s.fenceFailure = done.detail();
                return breakStep(c);
            }
            case Action.Demote d -> {
                if (id.equals(s.from)) {
                    if (done.ok()) {
                        s.oldActive = SwitchoverReport.OldActive.DEMOTED;
                        return c.issue(new Action.Promote(s.to));
                    }
                    return breakStep(c);
                }
            }
            case Action.Promote p -> {
                return done.ok()
                        ? complete(c)
                        : abort(c, Alarm.SWITCHOVER_FAILED, "promoting " + id + " failed: " + done.detail());
            }
            case Action.Unfence u -> {}
        }
        return c.evaluate();
    }

    private List<Action> complete(PairContext c) {
        long now = c.ticker.nanos();
        Switchover s = switchover;
        c.nextAttemptNanos = Long.MIN_VALUE;
        c.standbyReadySinceNanos = Long.MIN_VALUE;
        c.incident = null;
        c.clear(Alarm.SWITCHOVER_FAILED);
        c.clear(Alarm.NO_DRIVER);
        SwitchoverReport report = s.report(SwitchoverReport.Outcome.COMPLETED, "", c.lastDrivenNanos, now);
        c.history.completed(report, now);
        c.moveTo(new Steady(s.to, false), s.kind + " to " + s.to + " complete");
        c.report(report);
        return c.evaluate();
    }

    private List<Action> abort(PairContext c, Alarm alarm, String why) {
        long now = c.ticker.nanos();
        Switchover s = switchover;
        // Back off, bounded and jittered: a pair that cannot switch retries less and less often.
        int failures = c.incident == null ? 1 : ++c.incident.failures;
        c.nextAttemptNanos = Math.max(c.nextAttemptNanos, now + c.backoff.delayNanos(failures));
        SwitchoverReport report = s.report(SwitchoverReport.Outcome.FAILED, why, c.lastDrivenNanos, now);
        c.history.failed(report);
        c.raise(alarm, why);
        c.moveTo(Blocked.of(c, active), why);
        c.report(report);
        // A planned switchover that could not break leaves a healthy active: back to the steady state.
        return c.evaluate();
    }
}
