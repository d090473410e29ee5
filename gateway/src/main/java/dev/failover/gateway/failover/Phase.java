package dev.failover.gateway.failover;

import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import java.util.List;

/**
 * The phase of one pair, one class per phase with its own handler (as Failsafe's circuit breaker has
 * one class per circuit state); the {@link FailoverController} holds the current one in its {@link
 * PairContext} and hands it each input. Each phase maps to the public {@link PairState}:
 *
 * <ul>
 *   <li>{@link Discovering}: {@code DISCOVERING}, until both controllers have been judged and one is
 *       chosen as active, and until that one's first judgement moves the pair on;
 *   <li>{@link Steady}: {@code PROTECTED} or {@code UNPROTECTED}, the active is healthy (whether the
 *       standby is ready);
 *   <li>{@link Blocked}: {@code BLOCKED} or {@code UNDRIVEN}, the active is lost and no safe switchover
 *       is possible now (an alarm says why; retries back off);
 *   <li>{@link Switching}: {@code SWITCHING}, a switchover in flight, break before make;
 *   <li>{@link Stepping}: the state of the phase it wraps; one action is outstanding (a switchover's
 *       step, or a corrective one, an unfence or the demotion of a second ACTIVE, taken in any phase
 *       without changing the pair's state). It is the only phase holding an action, and it decides
 *       nothing until its {@link Input.StepDone}: at most one action is ever outstanding.
 * </ul>
 *
 * <p>With no step outstanding, the phases that have an active ({@code Discovering} once it chose one,
 * {@code Steady}, {@code Blocked}) judge it the same way on each poll, {@link #judge}: the facts, not
 * the phase the pair was in, tell which handler runs, {@link Steady}'s while the active is healthy,
 * {@link Blocked}'s once it is lost; either may stay, move to the other or start a switchover.
 */
sealed interface Phase permits Discovering, Steady, Blocked, Switching, Stepping {

    /** The pair state reported for this phase. */
    PairState state();

    /** The controller the gateway treats as active, {@code null} while none is chosen. */
    String active();

    /** The action outstanding: only {@link Stepping} has one. */
    default Action step() {
        return null;
    }

    /** What to do now that the facts changed (a poll arrived, a step ended, the phase changed). */
    List<Action> evaluate(PairContext c);

    /** The step this phase took ended and its facts are recorded: what to do next. */
    default List<Action> afterStep(PairContext c, Input.StepDone done) {
        return evaluate(c);
    }

    /** Why an operator's switchover request is refused now, or {@code null} to start it. */
    String refusal(PairContext c);

    /** A planned switchover needs an active that drives and a ready standby. */
    static String manualRefusal(PairContext c, String active) {
        String other = c.other(active);
        if (!c.health(active).drives()) {
            return "the active " + active + " does not drive the process: " + c.notReady(active, c.health(active));
        }
        if (!c.health(other).readyAsStandby() || c.fenced(other)) {
            return "standby " + other + " is not ready: " + c.health(other).describe();
        }
        if (!c.weakness(other).isEmpty()) {
            return "standby " + other + " is less secure than required: " + c.weakness(other);
        }
        return null;
    }

    /** The judgement of the chosen {@code active}, with no step outstanding: see the class comment. */
    static List<Action> judge(PairContext c, String active) {
        long now = c.ticker.nanos();
        String other = c.other(active);
        Health a = c.health(active);
        Health o = c.health(other);
        c.trackStandbyReadiness(o, other, now);
        if (a.recovering()) {
            // Wait for HEALTHY (or a new bad poll); only a second controller reporting ACTIVE is acted on.
            return o.reachable() && o.role() == RuntimeRole.ACTIVE && !c.awaitingPoll(other)
                    ? c.issue(new Action.Demote(other))
                    : List.of();
        }
        if (!c.activeLost(a)) {
            return Steady.activeHealthy(c, active, other, o, now);
        }
        return Blocked.activeLost(c, active, other, a, o, now);
    }
}
