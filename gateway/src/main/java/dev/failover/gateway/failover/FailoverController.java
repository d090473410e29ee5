package dev.failover.gateway.failover;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.FailoverPolicy.FailbackMode;
import dev.failover.gateway.config.FailoverPolicy.UnreachableActive;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The failover decision logic of one pair: a pure state machine, with time from an injected {@link
 * Ticker} and effects returned as {@link Action}s for an executor to perform.
 *
 * <p>States ({@link PairState}): {@code DISCOVERING} until both controllers have been judged, then
 * {@code PROTECTED} or {@code UNPROTECTED} while the active is healthy, {@code SWITCHING} during a
 * switchover and {@code BLOCKED} when the active has failed and no safe switchover is possible.
 *
 * <p>Safety rules it enforces (see docs/architecture.md):
 *
 * <ol>
 *   <li>Break before make: a switchover first demotes the old active over its link (verified), or,
 *       if it is unreachable, cuts its outputs with its fence (verified); only then is the standby
 *       promoted. If neither can be confirmed the standby is not promoted and {@link
 *       Alarm#OLD_ACTIVE_NOT_CONFIRMED_DOWN} is raised, unless the policy names {@link
 *       UnreachableActive#PRESUME_DOWN}.
 *   <li>No flapping: a controller fails only after {@code missesBeforeFault} bad polls (see {@link
 *       dev.failover.gateway.health.HealthTracker}); automatic switchovers are at least {@code
 *       holdDown} apart; failback is manual unless configured; a storm raises an alarm.
 *   <li>A controller other than the active that reports ACTIVE is demoted at once.
 * </ol>
 *
 * <p>At most one action is outstanding: after returning an action, the controller waits for its
 * {@link Input.StepDone} before deciding anything else. Thread-safe: every method is synchronized,
 * so status can be read from another thread while one thread feeds inputs.
 */
public final class FailoverController {

    private static final int TRANSITION_LOG_SIZE = 256;

    private final String primary;
    private final String secondary;
    private final Set<String> fenceable;
    private final FailoverPolicy policy;
    private final Ticker ticker;
    private final FailoverEvents events;

    private final Map<String, Health> health = new HashMap<>();
    private final Set<String> fenced = new HashSet<>();
    /** When a role write was last verified, per controller: polls sent before it are stale about the role. */
    private final Map<String, Long> roleVerifiedNanos = new HashMap<>();
    /** Controllers whose last step failed: no new step for them until a fresh poll arrives. */
    private final Set<String> awaitingPoll = new HashSet<>();

    private final Alarms alarms;
    private final SwitchHistory history;
    private final Deque<Transition> transitions = new ArrayDeque<>();

    /** When discovery began: the first health heard, so a slow start before the polls eats no grace. */
    private long startNanos = Long.MIN_VALUE;

    private PairState state = PairState.DISCOVERING;
    private String active;
    private Switchover inFlight;
    private Action pending;
    private long nextAttemptNanos = Long.MIN_VALUE;
    private long standbyReadySinceNanos = Long.MIN_VALUE;

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
        this.primary = primary;
        this.secondary = secondary;
        this.fenceable = Set.copyOf(fenceable);
        this.policy = policy;
        this.ticker = ticker;
        this.events = events;
        this.alarms = new Alarms(events);
        this.history = new SwitchHistory();
        health.put(primary, Health.unknown(primary));
        health.put(secondary, Health.unknown(secondary));
    }

    /** Feeds one input and returns what to do next (at most one action). */
    public synchronized List<Action> handle(Input input) {
        return switch (input) {
            case Input.HealthChanged changed -> {
                Health h = changed.health();
                if (!health.containsKey(h.controllerId())) {
                    throw new IllegalArgumentException("unknown controller " + h.controllerId());
                }
                Long verified = roleVerifiedNanos.get(h.controllerId());
                if (verified != null && h.sampledNanos() < verified) {
                    // This poll was sent before a verified role change: its role reading is out of date.
                    h = h.withRole(health.get(h.controllerId()).role());
                }
                health.put(h.controllerId(), h);
                awaitingPoll.remove(h.controllerId());
                yield pending == null ? evaluate() : List.of();
            }
            case Input.StepDone done -> stepDone(done);
            case Input.SwitchoverRequested request -> requested(request);
        };
    }

    /** A consistent copy of the controller's state for status output. */
    public synchronized PairStatus status() {
        return new PairStatus(
                state,
                active,
                Map.copyOf(health),
                alarms.snapshot(),
                Set.copyOf(fenced),
                history.last(),
                history.completed(),
                history.maxRtoMillis(),
                List.copyOf(transitions));
    }

    // ---- evaluation of the steady states -------------------------------------------------------

    private List<Action> evaluate() {
        long now = ticker.nanos();
        if (active == null) {
            return discover();
        }
        if (state == PairState.SWITCHING) {
            return List.of();
        }
        String other = other(active);
        Health a = health.get(active);
        Health o = health.get(other);
        trackStandbyReadiness(o, other, now);
        if (a.recovering()) {
            // Wait for HEALTHY (or a new bad poll); only a second controller reporting ACTIVE is acted on.
            return o.reachable() && o.role() == RuntimeRole.ACTIVE && !awaitingPoll.contains(other)
                    ? issue(new Action.Demote(other))
                    : List.of();
        }
        if (!activeLost(a)) {
            return activeHealthy(other, o, now);
        }
        String why = a.condition() == Condition.FAILED
                ? active + " failed: " + a.reason()
                : active + " no longer reports ACTIVE";
        if (awaitingPoll.contains(other)) {
            return List.of();
        }
        if (o.role() == RuntimeRole.ACTIVE) {
            // Safety rule 1: the other may be driving the process already. A fenced one is demoted
            // before its outputs could come back; an unfenced one that answers becomes the active,
            // but only after the lost active is demoted or fenced; one that missed a poll is waited for.
            if (fenced.contains(other) && o.reachable()) {
                return issue(new Action.Demote(other));
            }
            if (!fenced.contains(other) && o.reachable()) {
                return start(SwitchoverKind.FAILOVER, active, other, why + "; " + other + " already reports ACTIVE");
            }
            if (o.condition() != Condition.FAILED) {
                return List.of();
            }
        }
        if (fenced.contains(other)
                && o.reachable()
                && o.condition() == Condition.HEALTHY
                && o.role() == RuntimeRole.STANDBY) {
            return issue(new Action.Unfence(other));
        }
        if (!o.readyAsStandby() || fenced.contains(other)) {
            if (a.condition() != Condition.FAILED && a.readyAsStandby()) {
                // Nobody else can take over: give the role back to the healthy controller that lost it,
                // after demoting or fencing the other unless it verifiably reports STANDBY.
                // A fresh answer counts, and so does a SUSPECT controller's last one (one missed poll is
                // not a fault); the old answer of a FAILED, unreachable controller does not.
                boolean otherIsStandby =
                        o.role() == RuntimeRole.STANDBY && (o.reachable() || o.condition() != Condition.FAILED);
                return start(SwitchoverKind.TAKE_CONTROL, otherIsStandby ? null : other, active, why);
            }
            Alarm alarm = o.condition() == Condition.FAILED && a.condition() == Condition.FAILED
                    ? Alarm.NO_HEALTHY_CONTROLLER
                    : Alarm.NO_STANDBY_READY;
            return block(alarm, why + "; standby " + other + " is not ready (" + o.describe() + ")");
        }
        if (!holdDownOver(now)) {
            return block(Alarm.HOLD_DOWN, why + "; failover waits for the hold-down of " + policy.holdDown());
        }
        if (now < nextAttemptNanos) {
            return List.of();
        }
        return start(SwitchoverKind.FAILOVER, active, other, why);
    }

    private List<Action> activeHealthy(String other, Health o, long now) {
        clear(Alarm.NO_STANDBY_READY);
        clear(Alarm.NO_HEALTHY_CONTROLLER);
        clear(Alarm.HOLD_DOWN);
        clear(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN);
        if (awaitingPoll.contains(other)) {
            return List.of();
        }
        if (o.reachable() && o.role() == RuntimeRole.ACTIVE) {
            raise(Alarm.SPLIT_BRAIN, other + " reports ACTIVE while " + active + " is active: demoting " + other);
            return issue(new Action.Demote(other));
        }
        clear(Alarm.SPLIT_BRAIN);
        if (fenced.contains(other)
                && o.reachable()
                && o.role() == RuntimeRole.STANDBY
                && o.condition() == Condition.HEALTHY) {
            return issue(new Action.Unfence(other));
        }
        boolean ready = o.readyAsStandby() && !fenced.contains(other);
        if (ready) {
            clear(Alarm.STANDBY_UNAVAILABLE);
            clear(Alarm.PROMOTED_UNCONFIRMED);
            moveTo(PairState.PROTECTED, "active " + active + " healthy, standby " + other + " ready");
        } else {
            String why = "standby " + other + " not ready: " + (fenced.contains(other) ? "fenced" : o.describe());
            raise(Alarm.STANDBY_UNAVAILABLE, why);
            moveTo(PairState.UNPROTECTED, why);
        }
        updateStormAlarm(now);
        if (ready
                && policy.failback() == FailbackMode.AUTOMATIC
                && other.equals(primary)
                && now - standbyReadySinceNanos >= policy.failbackAfter().toNanos()
                && holdDownOver(now)
                && now >= nextAttemptNanos) {
            return start(
                    SwitchoverKind.FAILBACK,
                    active,
                    primary,
                    "preferred primary " + primary + " ready for " + policy.failbackAfter());
        }
        return List.of();
    }

    private List<Action> discover() {
        Health p = health.get(primary);
        Health s = health.get(secondary);
        boolean neverRead = p.role() == RuntimeRole.UNKNOWN || s.role() == RuntimeRole.UNKNOWN;
        if (startNanos == Long.MIN_VALUE) {
            startNanos = ticker.nanos();
        }
        if (neverRead && ticker.nanos() - startNanos < policy.discoveryGrace().toNanos()) {
            return List.of();
        }
        Optional<Discovery> found = Discovery.of(primary, p, secondary, s);
        if (found.isEmpty()) {
            return List.of();
        }
        Discovery d = found.get();
        active = d.active();
        if (d.noneReady()) {
            return block(Alarm.NO_HEALTHY_CONTROLLER, "no controller reports ACTIVE and none is ready to be");
        }
        if (d.takeControl()) {
            return start(SwitchoverKind.TAKE_CONTROL, null, active, "no controller reports ACTIVE");
        }
        return evaluate();
    }

    // ---- switchover: break before make --------------------------------------------------------

    private List<Action> start(SwitchoverKind kind, String from, String to, String reason) {
        return start(kind, from, to, reason, null);
    }

    private List<Action> start(SwitchoverKind kind, String from, String to, String reason, String requestId) {
        long now = ticker.nanos();
        long lastGood = from == null ? Long.MIN_VALUE : health.get(from).lastGoodNanos();
        inFlight = new Switchover(kind, from, to, reason, requestId, lastGood, now);
        moveTo(PairState.SWITCHING, kind + " " + (from == null ? "" : from + " -> ") + to + ": " + reason);
        return breakStep();
    }

    private List<Action> breakStep() {
        Switchover s = inFlight;
        if (s.from == null || fenced.contains(s.from)) {
            return issue(new Action.Promote(s.to));
        }
        Health old = health.get(s.from);
        if (old.reachable() && !s.demoteTried) {
            s.demoteTried = true;
            return issue(new Action.Demote(s.from));
        }
        if (s.kind == SwitchoverKind.MANUAL || s.kind == SwitchoverKind.FAILBACK) {
            // A planned switchover never fences a controller that is not failed.
            return abort(Alarm.SWITCHOVER_FAILED, "could not demote " + s.from + "; it stays active");
        }
        if (fenceable.contains(s.from) && !s.fenceTried) {
            s.fenceTried = true;
            return issue(new Action.Fence(s.from));
        }
        if (policy.unreachableActive() == UnreachableActive.PRESUME_DOWN) {
            long downFor = ticker.nanos() - old.lastGoodNanos();
            if (old.lastGoodNanos() == Long.MIN_VALUE
                    || downFor >= policy.presumeDownAfter().toNanos()) {
                raise(
                        Alarm.PROMOTED_UNCONFIRMED,
                        "promoting " + s.to + " without confirming " + s.from
                                + " is down (unreachableActive: presume-down)");
                return issue(new Action.Promote(s.to));
            }
            nextAttemptNanos = old.lastGoodNanos() + policy.presumeDownAfter().toNanos();
        }
        return abort(
                Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN,
                "cannot confirm " + s.from + " is demoted or fenced (" + old.reason() + "): not promoting " + s.to);
    }

    private List<Action> stepDone(Input.StepDone done) {
        if (pending == null || !pending.equals(done.action())) {
            throw new IllegalStateException("step result for " + done.action() + " but pending is " + pending);
        }
        pending = null;
        Action action = done.action();
        String id = action.controllerId();
        if (!done.ok()) {
            awaitingPoll.add(id);
        } else if (action instanceof Action.Demote || action instanceof Action.Promote) {
            RuntimeRole verified = action instanceof Action.Promote ? RuntimeRole.ACTIVE : RuntimeRole.STANDBY;
            health.put(id, health.get(id).withRole(verified));
            roleVerifiedNanos.put(id, ticker.nanos());
        }
        boolean forSwitchover = inFlight != null;
        switch (action) {
            case Action.Fence f -> {
                if (done.ok()) {
                    fenced.add(id);
                }
                if (forSwitchover) {
                    inFlight.fencedOld = done.ok();
                    return done.ok()
                            ? issue(new Action.Promote(inFlight.to))
                            : abort(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN, "fencing " + id + " failed: " + done.detail());
                }
            }
            case Action.Unfence u -> {
                if (done.ok()) {
                    fenced.remove(id);
                }
            }
            case Action.Demote d -> {
                if (forSwitchover && id.equals(inFlight.from)) {
                    return done.ok() ? issue(new Action.Promote(inFlight.to)) : breakStep();
                }
            }
            case Action.Promote p -> {
                if (forSwitchover) {
                    return done.ok()
                            ? complete()
                            : abort(Alarm.SWITCHOVER_FAILED, "promoting " + id + " failed: " + done.detail());
                }
            }
        }
        return evaluate();
    }

    private List<Action> complete() {
        long now = ticker.nanos();
        Switchover s = inFlight;
        inFlight = null;
        active = s.to;
        nextAttemptNanos = Long.MIN_VALUE;
        standbyReadySinceNanos = Long.MIN_VALUE;
        clear(Alarm.SWITCHOVER_FAILED);
        SwitchoverReport report = s.report(SwitchoverReport.Outcome.COMPLETED, "", now);
        history.completed(report, now);
        moveTo(PairState.UNPROTECTED, s.kind + " to " + s.to + " complete");
        events.switchover(report);
        return evaluate();
    }

    private List<Action> abort(Alarm alarm, String why) {
        long now = ticker.nanos();
        Switchover s = inFlight;
        inFlight = null;
        nextAttemptNanos =
                Math.max(nextAttemptNanos, now + policy.retryInterval().toNanos());
        SwitchoverReport report = s.report(SwitchoverReport.Outcome.FAILED, why, now);
        history.failed(report);
        raise(alarm, why);
        moveTo(PairState.BLOCKED, why);
        events.switchover(report);
        // A planned switchover that could not break leaves a healthy active: back to the steady state.
        return evaluate();
    }

    private List<Action> requested(Input.SwitchoverRequested request) {
        long now = ticker.nanos();
        String refusal = null;
        String other = active == null ? null : other(active);
        if (active == null) {
            refusal = "the pair is still being discovered";
        } else if (inFlight != null || pending != null) {
            refusal = "a switchover or recovery step is in progress";
        } else if (!health.get(other).readyAsStandby() || fenced.contains(other)) {
            refusal = "standby " + other + " is not ready: " + health.get(other).describe();
        }
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
                    now,
                    now,
                    false);
            events.switchover(refused);
            return List.of();
        }
        String why = "requested by " + request.requestedBy() + ": " + request.reason();
        return start(SwitchoverKind.MANUAL, active, other, why, request.requestId());
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * The active has failed and is failing now (its latest poll was bad), or it answers healthily
     * but no longer reports ACTIVE. A failed active whose latest polls were good is recovering: it
     * is not failed over on that stale verdict (safety rule 2), but again as soon as a poll is bad.
     */
    private boolean activeLost(Health a) {
        return (a.condition() == Condition.FAILED && a.consecutiveBad() > 0)
                || (a.reachable() && a.condition() == Condition.HEALTHY && a.role() != RuntimeRole.ACTIVE);
    }

    private void trackStandbyReadiness(Health o, String other, long now) {
        boolean ready = o.readyAsStandby() && !fenced.contains(other);
        if (!ready) {
            standbyReadySinceNanos = Long.MIN_VALUE;
        } else if (standbyReadySinceNanos == Long.MIN_VALUE) {
            standbyReadySinceNanos = now;
        }
    }

    private boolean holdDownOver(long now) {
        return history.holdDownOver(now, policy.holdDown());
    }

    private void updateStormAlarm(long now) {
        int recent = history.switchesWithin(policy.stormWindow(), now);
        if (recent > policy.stormMaxSwitchovers()) {
            raise(Alarm.SWITCHOVER_STORM, recent + " switchovers within " + policy.stormWindow());
        } else {
            clear(Alarm.SWITCHOVER_STORM);
        }
    }

    private List<Action> block(Alarm alarm, String why) {
        raise(alarm, why);
        moveTo(PairState.BLOCKED, why);
        return List.of();
    }

    private List<Action> issue(Action action) {
        pending = action;
        return List.of(action);
    }

    private void moveTo(PairState next, String reason) {
        if (next == state) {
            return;
        }
        Transition t = new Transition(ticker.nanos(), state, next, active, reason);
        state = next;
        if (transitions.size() == TRANSITION_LOG_SIZE) {
            transitions.removeFirst();
        }
        transitions.addLast(t);
        events.transition(t);
    }

    private void raise(Alarm alarm, String detail) {
        alarms.raise(alarm, detail);
    }

    private void clear(Alarm alarm) {
        alarms.clear(alarm);
    }

    private String other(String id) {
        return id.equals(primary) ? secondary : primary;
    }
}
