package dev.failover.gateway.failover;

import dev.failover.gateway.config.FailoverPolicy.FailbackMode;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import java.util.List;

/**
 * The active is healthy: {@link PairState#PROTECTED} when the standby is ready to take over, else
 * {@link PairState#UNPROTECTED} with {@link Alarm#STANDBY_UNAVAILABLE}. A second controller reporting
 * ACTIVE is demoted at once (safety rule 3), a fenced STANDBY is unfenced so that it can become ready
 * (rule 9), and an automatic failback starts once the preferred primary has been ready long enough.
 *
 * @param active the healthy active
 * @param standbyReady whether the standby is ready: PROTECTED
 */
record Steady(String active, boolean standbyReady) implements Phase {

    @Override
    public PairState state() {
        return standbyReady ? PairState.PROTECTED : PairState.UNPROTECTED;
    }

    @Override
    public List<Action> evaluate(PairContext c) {
        return Phase.judge(c, active);
    }

    @Override
    public String refusal(PairContext c) {
        return Phase.manualRefusal(c, active);
    }

    /** Steady's handler: the judgement of an {@code active} that is not lost (see {@link Phase#judge}). */
    static List<Action> activeHealthy(PairContext c, String active, String other, Health o, long now) {
        c.clear(Alarm.NO_STANDBY_READY);
        c.clear(Alarm.NO_HEALTHY_CONTROLLER);
        c.clear(Alarm.HOLD_DOWN);
        c.clear(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN);
        if (c.health(active).drives()) {
            c.clear(Alarm.NO_DRIVER);
            c.incident = null;
        }
        if (c.awaitingPoll(other)) {
            return List.of();
        }
        if (o.reachable() && o.role() == RuntimeRole.ACTIVE) {
            if (!c.fenced(other)) {
                // A fenced controller cannot drive: its claim is made consistent, but it is no split brain.
                c.raise(Alarm.SPLIT_BRAIN, other + " reports ACTIVE while " + active + " is active: demoting " + other);
            }
            return c.issue(new Action.Demote(other));
        }
        c.clear(Alarm.SPLIT_BRAIN);
        if (c.unfenceable(other, o, now)) {
            return c.issue(new Action.Unfence(other));
        }
        boolean ready = o.readyAsStandby() && !c.fenced(other);
        if (ready) {
            c.clear(Alarm.STANDBY_UNAVAILABLE);
            c.clear(Alarm.PROMOTED_UNCONFIRMED);
            c.moveTo(new Steady(active, true), "active " + active + " healthy, standby " + other + " ready");
        } else {
            String why = "standby " + other + " not ready: " + c.notReady(other, o);
            c.raise(Alarm.STANDBY_UNAVAILABLE, why);
            c.moveTo(new Steady(active, false), why);
        }
        updateStormAlarm(c, now);
        if (ready
                && c.policy.failback() == FailbackMode.AUTOMATIC
                && !c.stormLocked
                && other.equals(c.primary)
                && c.weakness(other).isEmpty()
                && now - c.standbyReadySinceNanos >= c.policy.failbackAfter().toNanos()
                && c.holdDownOver(now)
                && now >= c.nextAttemptNanos) {
            return Switching.start(
                    c,
                    SwitchoverKind.FAILBACK,
                    active,
                    c.primary,
                    "preferred primary " + c.primary + " ready for " + c.policy.failbackAfter());
        }
        return List.of();
    }

    private static void updateStormAlarm(PairContext c, long now) {
        int recent = c.history.switchesWithin(c.policy.stormWindow(), now);
        if (recent > c.policy.stormMaxSwitchovers()) {
            c.raise(Alarm.SWITCHOVER_STORM, recent + " switchovers within " + c.policy.stormWindow());
        } else {
            c.clear(Alarm.SWITCHOVER_STORM);
        }
        int automatic = c.history.automaticWithin(c.policy.stormWindow(), now);
        if (c.policy.stormLock() && !c.stormLocked && automatic > c.policy.stormMaxSwitchovers()) {
            c.stormLocked = true;
            c.raise(
                    Alarm.STORM_LOCKED,
                    automatic + " automatic switchovers within " + c.policy.stormWindow()
                            + ": automatic switchovers away from an active that may still drive, and failback,"
                            + " wait for a signed rearm");
        }
    }
}
