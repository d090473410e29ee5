package dev.failover.gateway.failover;

import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import java.util.List;

/**
 * The active is lost and no safe switchover is possible now: {@link PairState#BLOCKED}, or {@link
 * PairState#UNDRIVEN} with {@link Alarm#NO_DRIVER} when the field says no controller drives (safety
 * rule 9). An alarm says why (no ready standby, the hold-down, the old active not confirmed down, a
 * failed switchover); the {@link Incident} and the bounded, jittered back-off carry over from one
 * attempt to the next, and the pair keeps restoring a driver wherever break before make allows.
 *
 * @param active the lost active
 * @param undriven whether no controller drives the process
 */
record Blocked(String active, boolean undriven) implements Phase {

    @Override
    public PairState state() {
        return undriven ? PairState.UNDRIVEN : PairState.BLOCKED;
    }

    @Override
    public List<Action> evaluate(PairContext c) {
        return Phase.judge(c, active);
    }

    @Override
    public String refusal(PairContext c) {
        return Phase.manualRefusal(c, active);
    }

    /** BLOCKED, or UNDRIVEN with its alarm when the field says no controller drives (safety rule 9). */
    static Blocked of(PairContext c, String active) {
        if (c.nobodyDrives()) {
            c.raise(
                    Alarm.NO_DRIVER,
                    "no controller drives the process: " + c.primary + " " + c.drivingText(c.primary) + ", "
                            + c.secondary + " " + c.drivingText(c.secondary));
            return new Blocked(active, true);
        }
        return new Blocked(active, false);
    }

    /** Raises {@code alarm} and blocks the pair: nothing to do until the facts change. */
    static List<Action> block(PairContext c, String active, Alarm alarm, String why) {
        c.raise(alarm, why);
        c.moveTo(of(c, active), why);
        return List.of();
    }

    /** Blocked's handler: the judgement of an {@code active} that is lost (see {@link Phase#judge}). */
    static List<Action> activeLost(PairContext c, String active, String other, Health a, Health o, long now) {
        String why = lostReason(a);
        if (c.incident == null) {
            long fault = a.condition() == Condition.FAILED && a.badSinceNanos() != Long.MIN_VALUE
                    ? a.badSinceNanos()
                    : a.sampledNanos();
            c.incident = new Incident(fault, now);
        }
        if (c.awaitingPoll(other)) {
            return List.of();
        }
        if (o.role() == RuntimeRole.ACTIVE) {
            // Safety rule 1: the other may be driving the process already. A fenced one is demoted
            // before its outputs could come back; an unfenced, sound one that answers becomes the
            // active, but only after the lost active is demoted or fenced, and not sooner than the
            // back-off after a failed attempt (an attempt that cannot break gives up at once, and
            // retrying it at once would never end); one that missed a poll is waited for. A FAILED one
            // is no candidate: it is handled as a standby that is not ready, which lets the lost
            // active take the role back from it (demoted or fenced first) once it can.
            if (c.fenced(other) && o.reachable()) {
                return c.issue(new Action.Demote(other));
            }
            if (o.condition() != Condition.FAILED) {
                if (c.fenced(other) || !o.reachable() || now < c.nextAttemptNanos) {
                    return List.of();
                }
                return Switching.start(
                        c, SwitchoverKind.FAILOVER, active, other, why + "; " + other + " already reports ACTIVE");
            }
        }
        if (c.unfenceable(other, o, now)) {
            return c.issue(new Action.Unfence(other));
        }
        if (!o.readyAsStandby() || c.fenced(other)) {
            if (a.condition() != Condition.FAILED && a.readyAsStandby() && !c.fenced(active)) {
                if (now < c.nextAttemptNanos) {
                    return List.of();
                }
                // Nobody else can take over: give the role back to the healthy controller that lost it,
                // after demoting or fencing the other unless it verifiably reports STANDBY.
                // A fresh answer counts, and so does a SUSPECT controller's last one (one missed poll is
                // not a fault); the old answer of a FAILED, unreachable controller does not.
                boolean otherIsStandby =
                        o.role() == RuntimeRole.STANDBY && (o.reachable() || o.condition() != Condition.FAILED);
                return Switching.start(c, SwitchoverKind.TAKE_CONTROL, otherIsStandby ? null : other, active, why);
            }
            if (c.unfenceable(active, a, now)) {
                // The lost active reports STANDBY with its outputs cut: restoring them is safe (a STANDBY
                // does not drive), and it can then take the role back (safety rule 9).
                return c.issue(new Action.Unfence(active));
            }
            Alarm alarm = o.condition() == Condition.FAILED && a.condition() == Condition.FAILED
                    ? Alarm.NO_HEALTHY_CONTROLLER
                    : Alarm.NO_STANDBY_READY;
            return block(c, active, alarm, why + "; standby " + other + " is not ready (" + c.notReady(other, o) + ")");
        }
        if (!c.holdDownOver(now) && c.mayKeepDriving(active, a)) {
            return block(
                    c, active, Alarm.HOLD_DOWN, why + "; failover waits for the hold-down of " + c.policy.holdDown());
        }
        if (c.stormLocked && c.mayKeepDriving(active, a)) {
            // The lock is an indefinite hold-down: like it, it never keeps a process undriven (rule 9).
            return block(
                    c,
                    active,
                    Alarm.STORM_LOCKED,
                    why + "; failover waits for a signed rearm after a switchover storm (or a manual switchover)");
        }
        if (c.refusedOnFailure(other)) {
            return block(
                    c,
                    active,
                    Alarm.STANDBY_BELOW_BASELINE,
                    why + "; standby " + other + " misses the security baseline (" + c.weakness(other)
                            + ") and security.posture.onFailure is block");
        }
        if (now < c.nextAttemptNanos) {
            return List.of();
        }
        return Switching.start(c, SwitchoverKind.FAILOVER, active, other, why);
    }

    private static String lostReason(Health a) {
        if (a.condition() == Condition.FAILED) {
            return a.controllerId() + " failed: " + a.reason();
        }
        if (a.role() != RuntimeRole.ACTIVE) {
            return a.controllerId() + " no longer reports ACTIVE";
        }
        return a.controllerId() + " reports ACTIVE but does not drive its outputs"
                + (a.outputsEnabled() ? "" : " (its output-enable input is off)");
    }
}
