package dev.failover.gateway.failover;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.FailoverPolicy.UnreachableActive;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The failover decision logic of one pair: a pure state machine, with time from an injected {@link
 * Ticker} and effects returned as {@link Action}s for an executor to perform.
 *
 * <p>States ({@link PairState}): {@code DISCOVERING} until both controllers have been judged, then
 * {@code PROTECTED} or {@code UNPROTECTED} while the active is healthy, {@code SWITCHING} during a
 * switchover and {@code BLOCKED} (or {@code UNDRIVEN}) when the active has failed and no safe
 * switchover is possible. Each is a {@link Phase} with its own handler ({@link Discovering}, {@link
 * Steady}, {@link Switching}, {@link Blocked}, and {@link Stepping} while an action is outstanding);
 * this class holds the current phase and the shared facts in a {@link PairContext}, hands each input
 * to the phase and hands out the effects.
 *
 * <p>Safety rules it enforces (see docs/architecture.md):
 *
 * <ol>
 *   <li>Break before make ({@link Switching}): a switchover first demotes the old active over its
 *       link (verified), or, if it is unreachable, cuts its outputs with its fence (verified); only
 *       then is the standby promoted. If neither can be confirmed the standby is not promoted and
 *       {@link Alarm#OLD_ACTIVE_NOT_CONFIRMED_DOWN} is raised, unless the policy names {@link
 *       UnreachableActive#PRESUME_DOWN}.
 *   <li>No flapping: a controller fails only after {@code missesBeforeFault} bad polls (see {@link
 *       dev.failover.gateway.health.HealthTracker}); automatic switchovers are at least {@code
 *       holdDown} apart; failback is manual unless configured; a storm raises an alarm.
 *   <li>A controller other than the active that reports ACTIVE is demoted at once.
 *   <li>Truth from the field (rule 8): who drives is what the controllers report (role, output-enable,
 *       driving) and what the fences report ({@link Input.FenceObserved}); a controller whose
 *       outputs are cut is never the healthy active nor a ready standby.
 *   <li>Liveness (rule 9): when the old active is known not to drive (it says so, or its fence is
 *       cut), the hold-down does not delay a promotion; a pair where no controller drives is {@link
 *       PairState#UNDRIVEN} with {@link Alarm#NO_DRIVER}, and a fenced STANDBY is unfenced (safe: it
 *       does not drive) so that it can be promoted. Failed attempts are retried with a bounded,
 *       jittered back-off ({@link Backoff}).
 * </ol>
 *
 * <p>At most one action is outstanding: after returning an action, the controller is {@link Stepping}
 * and waits for its {@link Input.StepDone} before deciding anything else. Each input gives a {@link
 * Decision}: the action and the effects (transitions, alarms, reports) as a value; {@link #handle}
 * reports the effects after the lock is released, so no listener runs under it (the mirror's gate may
 * wait up to a second for a write to end). Thread-safe: {@link #decide} and the status are
 * synchronized, so status can be read from another thread while one thread feeds inputs.
 */
public final class FailoverController {

    /** The longest wait between two attempts of a failed switchover or fence step. */
    static final Duration RETRY_CAP = Duration.ofSeconds(5);

    private final FailoverEvents events;
    /** The current phase and the facts every phase reads. Guarded by this. */
    private final PairContext pair;

    /**
     * @param primary the controller whose preferred role is primary
     * @param secondary the controller whose preferred role is standby
     * @param fenceable the controllers that have a fence (output-enable relay)
     */
    public FailoverController(
            String primary,
            String secondary,
            Set<String> fenceable,
            FailoverPolicy policy,
            Ticker ticker,
            FailoverEvents events) {
        if (primary.equals(secondary)) {
            throw new IllegalArgumentException("a pair needs two distinct controllers, got " + primary + " twice");
        }
        this.events = events;
        this.pair = new PairContext(primary, secondary, fenceable, policy, ticker);
    }

    /**
     * Feeds one input and returns what to do next (at most one action), after reporting the effects to
     * the {@link FailoverEvents} given at construction, outside this controller's lock.
     */
    public List<Action> handle(Input input) {
        Decision decision = decide(input);
        decision.deliverTo(events);
        return decision.actions();
    }

    /**
     * Feeds one input and returns the decision: at most one action and the effects, for the caller to
     * report (see {@link Decision#deliverTo}) before it performs the action.
     */
    synchronized Decision decide(Input input) {
        try {
            return new Decision(apply(input), pair.effects());
        } finally {
            // Also when the input was refused half-way: its effects must not go out with the next one.
            pair.clearEffects();
        }
    }

    private List<Action> apply(Input input) {
        return switch (input) {
            case Input.HealthChanged changed -> {
                pair.observe(changed.health());
                yield pair.evaluate();
            }
            case Input.StepDone done -> {
                if (!(pair.phase() instanceof Stepping stepping)
                        || !stepping.step().equals(done.action())) {
                    throw new IllegalStateException("step result for " + done.action() + " but pending is "
                            + pair.phase().step());
                }
                yield stepping.done(pair, done);
            }
            case Input.SwitchoverRequested request -> requested(request);
            case Input.FenceObserved seen -> {
                pair.fenceObserved(seen);
                yield List.of();
            }
            case Input.CommonModeObserved common -> {
                if (common.active()) {
                    pair.raise(Alarm.COMMON_MODE_MISS, common.detail());
                } else {
                    pair.clear(Alarm.COMMON_MODE_MISS);
                }
                yield List.of();
            }
            case Input.PostureWaived waived -> {
                pair.postureWaived();
                yield List.of();
            }
            case Input.Rearmed rearmed -> {
                pair.rearmed();
                // A failover the lock held back goes ahead now.
                yield pair.evaluate();
            }
            case Input.PostureJudged judged -> {
                pair.postureJudged(judged);
                yield List.of();
            }
            case Input.LastDriven last -> {
                pair.lastDrivenNanos = Math.max(pair.lastDrivenNanos, last.nanos());
                yield List.of();
            }
        };
    }

    /** The controller the gateway treats as active, {@code null} while discovering. */
    public synchronized String activeId() {
        return pair.phase().active();
    }

    /** A consistent copy of the controller's state for status output. */
    public synchronized PairStatus status() {
        return pair.status();
    }

    /** An operator's switchover: started if the phase allows it, else reported refused with the reason. */
    private List<Action> requested(Input.SwitchoverRequested request) {
        long now = pair.ticker.nanos();
        String active = pair.phase().active();
        String other = active == null ? null : pair.other(active);
        String refusal = pair.phase().refusal(pair);
        if (refusal != null) {
            SwitchoverReport refused = new SwitchoverReport(
                    SwitchoverKind.MANUAL,
                    active,
                    other,
                    request.reason(),
                    SwitchoverReport.Outcome.REFUSED,
                    refusal,
                    request.requestId(),
                    Long.MIN_VALUE,
                    pair.lastDrivenNanos,
                    now,
                    now,
                    SwitchoverReport.OldActive.NONE,
                    0);
            pair.report(refused);
            return List.of();
        }
        String why = "requested by " + request.requestedBy() + ": " + request.reason();
        return Switching.start(pair, SwitchoverKind.MANUAL, active, other, why, request.requestId());
    }
}
