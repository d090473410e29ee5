package dev.failover.gateway.failover;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.FailoverPolicy.FailbackMode;
import dev.failover.gateway.config.FailoverPolicy.UnreachableActive;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p>At most one action is outstanding: after returning an action, the controller waits for its
 * {@link Input.StepDone} before deciding anything else. Each input gives a {@link Decision}: the
 * action and the effects (transitions, alarms, reports) as a value; {@link #handle} reports the
 * effects after the lock is released, so no listener runs under it (the mirror's gate may wait up
 * to a second for a write to end). Thread-safe: {@link #decide} and the status are synchronized, so
 * status can be read from another thread while one thread feeds inputs.
 */
public final class FailoverController {

    private static final int TRANSITION_LOG_SIZE = 256;
    /** The longest wait between two attempts of a failed switchover or fence step. */
    static final Duration RETRY_CAP = Duration.ofSeconds(5);

    private final String primary;
    private final String secondary;
    private final Set<String> fenceable;
    private final FailoverPolicy policy;
    private final Ticker ticker;
    private final FailoverEvents events;
    /** The effects of the input being decided, in order; handed out with the decision. Guarded by this. */
    private final List<Decision.Effect> recorded = new ArrayList<>();

    private final Map<String, Health> health = new HashMap<>();
    private final Set<String> fenced = new HashSet<>();
    /**
     * Controllers whose fence step was not confirmed: it may have cut all the same. One that then
     * reports its outputs disabled (and STANDBY) is restored like a fenced one (safety rule 9), else a
     * pair could stay without a driver behind a relay it does not know it opened.
     */
    private final Set<String> maybeFenced = new HashSet<>();
    /**
     * When a role or fence step was last verified, per controller: polls sent before it are stale
     * about the role, the output-enable input and driving.
     */
    private final Map<String, Long> stepVerifiedNanos = new HashMap<>();
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
    private long nextUnfenceNanos = Long.MIN_VALUE;
    private int unfenceFailures;
    private long standbyReadySinceNanos = Long.MIN_VALUE;
    /** The last instant a controller was known to drive the process (a fresh poll said so). */
    private long lastDrivenNanos = Long.MIN_VALUE;
    /** The loss of the active being recovered from, across retries; null while the active drives. */
    private Incident incident;

    private final Backoff backoff;

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
        this.alarms = new Alarms(new FailoverEvents() {
            @Override
            public void alarm(Alarm alarm, boolean raised, String detail) {
                recorded.add(new Decision.AlarmChanged(alarm, raised, detail));
            }
        });
        this.history = new SwitchHistory();
        this.backoff = new Backoff(policy.retryInterval(), RETRY_CAP, (primary + "/" + secondary).hashCode());
        health.put(primary, Health.unknown(primary));
        health.put(secondary, Health.unknown(secondary));
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
            return new Decision(apply(input), recorded);
        } finally {
            // Also when the input was refused half-way: its effects must not go out with the next one.
            recorded.clear();
        }
    }

    private List<Action> apply(Input input) {
        return switch (input) {
            case Input.HealthChanged changed -> {
                Health h = changed.health();
                if (!health.containsKey(h.controllerId())) {
                    throw new IllegalArgumentException("unknown controller " + h.controllerId());
                }
                Long verified = stepVerifiedNanos.get(h.controllerId());
                if (verified != null && h.sampledNanos() < verified) {
                    // This poll was sent before a verified step: its role, output and driving flags are out of date.
                    h = h.withFieldOf(health.get(h.controllerId()));
                } else if (h.drives()) {
                    lastDrivenNanos = Math.max(lastDrivenNanos, h.sampledNanos());
                }
                health.put(h.controllerId(), h);
                if (h.reachable() && h.outputsEnabled()) {
                    maybeFenced.remove(h.controllerId());
                }
                awaitingPoll.remove(h.controllerId());
                yield pending == null ? evaluate() : List.of();
            }
            case Input.StepDone done -> stepDone(done);
            case Input.SwitchoverRequested request -> requested(request);
            case Input.FenceObserved seen -> {
                if (!health.containsKey(seen.controllerId())) {
                    throw new IllegalArgumentException("unknown controller " + seen.controllerId());
                }
                if (seen.cut()) {
                    fenced.add(seen.controllerId());
                } else {
                    fenced.remove(seen.controllerId());
                    maybeFenced.remove(seen.controllerId());
                }
                yield List.of();
            }
            case Input.CommonModeObserved common -> {
                if (common.active()) {
                    raise(Alarm.COMMON_MODE_MISS, common.detail());
                } else {
                    clear(Alarm.COMMON_MODE_MISS);
                }
                yield List.of();
            }
            case Input.LastDriven last -> {
                lastDrivenNanos = Math.max(lastDrivenNanos, last.nanos());
                yield List.of();
            }
        };
    }

    /** The controller the gateway treats as active, {@code null} while discovering. */
    public synchronized String activeId() {
        return active;
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
        String why = lostReason(a);
        if (incident == null) {
            long fault = a.condition() == Condition.FAILED && a.badSinceNanos() != Long.MIN_VALUE
                    ? a.badSinceNanos()
                    : a.sampledNanos();
            incident = new Incident(fault, now);
        }
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
        if (unfenceable(other, o, now)) {
            return issue(new Action.Unfence(other));
        }
        if (!o.readyAsStandby() || fenced.contains(other)) {
            if (a.condition() != Condition.FAILED && a.readyAsStandby() && !fenced.contains(active)) {
                if (now < nextAttemptNanos) {
                    return List.of();
                }
                // Nobody else can take over: give the role back to the healthy controller that lost it,
                // after demoting or fencing the other unless it verifiably reports STANDBY.
                // A fresh answer counts, and so does a SUSPECT controller's last one (one missed poll is
                // not a fault); the old answer of a FAILED, unreachable controller does not.
                boolean otherIsStandby =
                        o.role() == RuntimeRole.STANDBY && (o.reachable() || o.condition() != Condition.FAILED);
                return start(SwitchoverKind.TAKE_CONTROL, otherIsStandby ? null : other, active, why);
            }
            if (unfenceable(active, a, now)) {
                // The lost active reports STANDBY with its outputs cut: restoring them is safe (a STANDBY
                // does not drive), and it can then take the role back (safety rule 9).
                return issue(new Action.Unfence(active));
            }
            Alarm alarm = o.condition() == Condition.FAILED && a.condition() == Condition.FAILED
                    ? Alarm.NO_HEALTHY_CONTROLLER
                    : Alarm.NO_STANDBY_READY;
            return block(alarm, why + "; standby " + other + " is not ready (" + notReady(other, o) + ")");
        }
        if (!holdDownOver(now) && mayKeepDriving(active, a)) {
            return block(Alarm.HOLD_DOWN, why + "; failover waits for the hold-down of " + policy.holdDown());
        }
        if (now < nextAttemptNanos) {
            return List.of();
        }
        return start(SwitchoverKind.FAILOVER, active, other, why);
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

    /** Known not to drive: its fresh answer says so, or its fence reports its outputs cut. */
    private boolean knownNotDriving(String id) {
        return fenced.contains(id) || health.get(id).knownNotDriving();
    }

    /**
     * Whether waiting out the hold-down leaves the process driven: the lost active answers and still
     * drives (a frozen heartbeat, a slow answer), or it is silent and cannot be fenced. A silent one
     * that can be fenced is cut and replaced at once, and one known not to drive is replaced at once:
     * the hold-down spaces switchovers against flapping, it never keeps a process undriven (safety
     * rule 9), and break before make still confirms the old active cannot drive before any promotion.
     */
    private boolean mayKeepDriving(String id, Health h) {
        if (knownNotDriving(id)) {
            return false;
        }
        return h.reachable() || !fenceable.contains(id);
    }

    /** Neither controller drives the process, as far as the field tells (an unreachable unfenced one might). */
    private boolean nobodyDrives() {
        return knownNotDriving(primary) && knownNotDriving(secondary);
    }

    /**
     * A fenced controller that answers, is healthy and reports STANDBY: restoring its outputs is safe
     * (a STANDBY does not drive), unless the last attempt failed and its back-off has not passed.
     */
    private boolean unfenceable(String id, Health h, long now) {
        return (fenced.contains(id) || (maybeFenced.contains(id) && !h.outputsEnabled()))
                && fenceable.contains(id)
                && h.reachable()
                && h.condition() == Condition.HEALTHY
                && h.role() == RuntimeRole.STANDBY
                && now >= nextUnfenceNanos;
    }

    private String notReady(String id, Health h) {
        return fenced.contains(id) ? "fenced, " + h.describe() : h.describe();
    }

    private List<Action> activeHealthy(String other, Health o, long now) {
        clear(Alarm.NO_STANDBY_READY);
        clear(Alarm.NO_HEALTHY_CONTROLLER);
        clear(Alarm.HOLD_DOWN);
        clear(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN);
        if (health.get(active).drives()) {
            clear(Alarm.NO_DRIVER);
            incident = null;
        }
        if (awaitingPoll.contains(other)) {
            return List.of();
        }
        if (o.reachable() && o.role() == RuntimeRole.ACTIVE) {
            if (!fenced.contains(other)) {
                // A fenced controller cannot drive: its claim is made consistent, but it is no split brain.
                raise(Alarm.SPLIT_BRAIN, other + " reports ACTIVE while " + active + " is active: demoting " + other);
            }
            return issue(new Action.Demote(other));
        }
        clear(Alarm.SPLIT_BRAIN);
        if (unfenceable(other, o, now)) {
            return issue(new Action.Unfence(other));
        }
        boolean ready = o.readyAsStandby() && !fenced.contains(other);
        if (ready) {
            clear(Alarm.STANDBY_UNAVAILABLE);
            clear(Alarm.PROMOTED_UNCONFIRMED);
            moveTo(PairState.PROTECTED, "active " + active + " healthy, standby " + other + " ready");
        } else {
            String why = "standby " + other + " not ready: " + notReady(other, o);
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
        // A controller whose fence reports its outputs cut cannot be driving: no grace is needed for it.
        boolean neverRead = (p.role() == RuntimeRole.UNKNOWN && !fenced.contains(primary))
                || (s.role() == RuntimeRole.UNKNOWN && !fenced.contains(secondary));
        if (startNanos == Long.MIN_VALUE) {
            startNanos = ticker.nanos();
        }
        if (neverRead && ticker.nanos() - startNanos < policy.discoveryGrace().toNanos()) {
            return List.of();
        }
        Optional<Discovery> found = Discovery.of(primary, p, secondary, s, fenced);
        if (found.isEmpty()) {
            return List.of();
        }
        Discovery d = found.get();
        if (d.noneReady()) {
            // Nobody reports ACTIVE. A fenced controller that answers as a healthy STANDBY can be unfenced
            // safely, and then promoted: discovery runs again after the step (safety rule 9).
            long now = ticker.nanos();
            for (String id : List.of(primary, secondary)) {
                if (unfenceable(id, health.get(id), now)) {
                    return issue(new Action.Unfence(id));
                }
            }
        }
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
        boolean planned = kind == SwitchoverKind.MANUAL || kind == SwitchoverKind.FAILBACK;
        Incident i = planned ? null : incident;
        int attempt = 1;
        if (i != null) {
            attempt = ++i.attempts;
        }
        inFlight = new Switchover(
                kind,
                from,
                to,
                reason,
                requestId,
                i == null ? Long.MIN_VALUE : i.faultNanos,
                i == null ? now : i.detectedNanos,
                attempt);
        moveTo(PairState.SWITCHING, kind + " " + (from == null ? "" : from + " -> ") + to + ": " + reason);
        return breakStep();
    }

    private List<Action> breakStep() {
        Switchover s = inFlight;
        if (s.from == null) {
            return issue(new Action.Promote(s.to));
        }
        if (fenced.contains(s.from)) {
            s.oldActive = SwitchoverReport.OldActive.FENCED;
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
                                + " is down (unreachableActive: presume-down)"
                                + (s.fenceFailure.isEmpty() ? "" : "; its fence failed: " + s.fenceFailure));
                s.oldActive = SwitchoverReport.OldActive.PRESUMED_DOWN;
                return issue(new Action.Promote(s.to));
            }
            nextAttemptNanos = old.lastGoodNanos() + policy.presumeDownAfter().toNanos();
        }
        return abort(
                Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN,
                "cannot confirm " + s.from + " is demoted or fenced ("
                        + (s.fenceFailure.isEmpty() ? old.reason() : "fencing failed: " + s.fenceFailure)
                        + "): not promoting " + s.to);
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
        } else {
            Health h = health.get(id);
            health.put(
                    id,
                    switch (action) {
                        case Action.Promote p -> h.withRole(RuntimeRole.ACTIVE);
                        case Action.Demote d -> h.withRole(RuntimeRole.STANDBY);
                        case Action.Fence f -> h.withOutputsEnabled(false);
                        case Action.Unfence u -> h.withOutputsEnabled(true);
                    });
            stepVerifiedNanos.put(id, ticker.nanos());
        }
        boolean forSwitchover = inFlight != null;
        switch (action) {
            case Action.Fence f -> {
                if (done.ok()) {
                    fenced.add(id);
                } else {
                    // Not confirmed, yet it may have cut: the field will say (its outputs disabled).
                    maybeFenced.add(id);
                }
                if (forSwitchover) {
                    if (done.ok()) {
                        inFlight.oldActive = SwitchoverReport.OldActive.FENCED;
                        return issue(new Action.Promote(inFlight.to));
                    }
                    // Not the end: presume-down, where configured, still applies (safety rule 9).
                    inFlight.fenceFailure = done.detail();
                    return breakStep();
                }
            }
            case Action.Unfence u -> {
                if (done.ok()) {
                    fenced.remove(id);
                    maybeFenced.remove(id);
                    unfenceFailures = 0;
                    nextUnfenceNanos = Long.MIN_VALUE;
                } else {
                    nextUnfenceNanos = ticker.nanos() + backoff.delayNanos(++unfenceFailures);
                }
            }
            case Action.Demote d -> {
                if (forSwitchover && id.equals(inFlight.from)) {
                    if (done.ok()) {
                        inFlight.oldActive = SwitchoverReport.OldActive.DEMOTED;
                        return issue(new Action.Promote(inFlight.to));
                    }
                    return breakStep();
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
        incident = null;
        clear(Alarm.SWITCHOVER_FAILED);
        clear(Alarm.NO_DRIVER);
        SwitchoverReport report = s.report(SwitchoverReport.Outcome.COMPLETED, "", lastDrivenNanos, now);
        history.completed(report, now);
        moveTo(PairState.UNPROTECTED, s.kind + " to " + s.to + " complete");
        recorded.add(new Decision.Reported(report));
        return evaluate();
    }

    private List<Action> abort(Alarm alarm, String why) {
        long now = ticker.nanos();
        Switchover s = inFlight;
        inFlight = null;
        // Back off, bounded and jittered: a pair that cannot switch retries less and less often.
        int failures = incident == null ? 1 : ++incident.failures;
        nextAttemptNanos = Math.max(nextAttemptNanos, now + backoff.delayNanos(failures));
        SwitchoverReport report = s.report(SwitchoverReport.Outcome.FAILED, why, lastDrivenNanos, now);
        history.failed(report);
        raise(alarm, why);
        moveTo(blockedState(), why);
        recorded.add(new Decision.Reported(report));
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
        } else if (!health.get(active).drives()) {
            refusal = "the active " + active + " does not drive the process: " + notReady(active, health.get(active));
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
                    lastDrivenNanos,
                    now,
                    now,
                    SwitchoverReport.OldActive.NONE,
                    0);
            recorded.add(new Decision.Reported(refused));
            return List.of();
        }
        String why = "requested by " + request.requestedBy() + ": " + request.reason();
        return start(SwitchoverKind.MANUAL, active, other, why, request.requestId());
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * The active has failed and is failing now (its latest poll was bad), or it answers healthily
     * but no longer reports ACTIVE, or no longer drives its outputs (safety rule 8: a controller
     * whose outputs are cut is not the healthy active). A failed active whose latest polls were good
     * is recovering: it is not failed over on that stale verdict (safety rule 2), but again as soon
     * as a poll is bad.
     */
    private boolean activeLost(Health a) {
        return (a.condition() == Condition.FAILED && a.consecutiveBad() > 0)
                || (a.reachable() && a.condition() == Condition.HEALTHY && !a.drives())
                || fenced.contains(a.controllerId());
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
        moveTo(blockedState(), why);
        return List.of();
    }

    /** BLOCKED, or UNDRIVEN with its alarm when the field says no controller drives (safety rule 9). */
    private PairState blockedState() {
        if (nobodyDrives()) {
            raise(
                    Alarm.NO_DRIVER,
                    "no controller drives the process: " + primary + " " + drivingText(primary) + ", " + secondary + " "
                            + drivingText(secondary));
            return PairState.UNDRIVEN;
        }
        return PairState.BLOCKED;
    }

    private String drivingText(String id) {
        return fenced.contains(id) ? "fenced" : health.get(id).describe();
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
        recorded.add(new Decision.TransitionMade(t));
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
