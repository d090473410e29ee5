package dev.failover.gateway.failover;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every {@link Phase} of one pair reads and records: the facts learned from the field (health,
 * fences, verified steps), the retry timing that outlives a phase, the alarms, the switch history, the
 * transition log, the current phase and the effects of the decision in progress. Not thread-safe: the
 * {@link FailoverController}'s lock guards it.
 */
final class PairContext {

    private static final int TRANSITION_LOG_SIZE = 256;

    final String primary;
    final String secondary;
    final Set<String> fenceable;
    final FailoverPolicy policy;
    final Ticker ticker;
    final SwitchHistory history = new SwitchHistory();
    final Backoff backoff;

    /** The effects of the input being decided, in order; handed out with the decision. */
    private final List<Decision.Effect> recorded = new ArrayList<>();

    private final Alarms alarms;
    private final Deque<Transition> transitions = new ArrayDeque<>();
    private Phase phase = new Discovering(null);

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
    /** What the posture checks last found on each controller as a switchover target; absent: nothing. */
    private final Map<String, String> weakness = new HashMap<>();
    /** Per controller, the weakness a signed waiver accepted while it was the active. */
    private final Map<String, String> waived = new HashMap<>();
    /** The controllers a real failure must not promote (below the baseline, and the policy blocks). */
    private final Set<String> refusedOnFailure = new HashSet<>();
    /** The last instant a controller was known to drive the process (a fresh poll said so). */
    long lastDrivenNanos = Long.MIN_VALUE;

    // ---- retry timing: it outlives the phase that set it ---------------------------------------

    /** The loss of the active being recovered from, across retries; null while the active drives. */
    Incident incident;
    /** No automatic switchover before this (the back-off after a failed one, or presume-down's wait). */
    long nextAttemptNanos = Long.MIN_VALUE;
    /** No unfence before this: the back-off after failed unfence steps. */
    long nextUnfenceNanos = Long.MIN_VALUE;

    int unfenceFailures;
    /** Locked after a switchover storm until a signed re-arm ({@link Alarm#STORM_LOCKED}). */
    boolean stormLocked;

    /** Since when the standby has been ready without a break, for an automatic failback. */
    long standbyReadySinceNanos = Long.MIN_VALUE;

    PairContext(String primary, String secondary, Set<String> fenceable, FailoverPolicy policy, Ticker ticker) {
        this.primary = primary;
        this.secondary = secondary;
        this.fenceable = Set.copyOf(fenceable);
        this.policy = policy;
        this.ticker = ticker;
        this.alarms = new Alarms(new FailoverEvents() {
            @Override
            public void alarm(Alarm alarm, boolean raised, String detail) {
                recorded.add(new Decision.AlarmChanged(alarm, raised, detail));
            }
        });
        this.backoff = new Backoff(
                policy.retryInterval(), FailoverController.RETRY_CAP, (primary + "/" + secondary).hashCode());
        health.put(primary, Health.unknown(primary));
        health.put(secondary, Health.unknown(secondary));
    }

    // ---- the phase and the effects -------------------------------------------------------------

    Phase phase() {
        return phase;
    }

    /** What the current phase decides with no step outstanding (after a poll, a step, a phase change). */
    List<Action> evaluate() {
        return phase.evaluate(this);
    }

    /** Enters {@code next}, recording a transition when the pair state changes. */
    void moveTo(Phase next, String reason) {
        PairState from = phase.state();
        String activeBefore = phase.active();
        phase = next;
        if (!weakness.isEmpty() && !java.util.Objects.equals(activeBefore, next.active())) {
            // Another controller is the standby now: the alarm is about it.
            updatePostureAlarm();
        }
        if (next.state() == from) {
            return;
        }
        Transition t = new Transition(ticker.nanos(), from, next.state(), next.active(), reason);
        if (transitions.size() == TRANSITION_LOG_SIZE) {
            transitions.removeFirst();
        }
        transitions.addLast(t);
        recorded.add(new Decision.TransitionMade(t));
    }

    /** Replaces the phase by one of the same pair state that knows more (no transition). */
    void replace(Phase next) {
        if (next.state() != phase.state()) {
            throw new IllegalStateException(next + " is no replacement for " + phase);
        }
        phase = next;
    }

    /** Asks for {@code action}: the pair stays in its phase, and decides nothing else until it is done. */
    List<Action> issue(Action action) {
        phase = new Stepping(action, phase);
        return List.of(action);
    }

    void report(SwitchoverReport report) {
        recorded.add(new Decision.Reported(report));
    }

    List<Decision.Effect> effects() {
        return recorded;
    }

    void clearEffects() {
        recorded.clear();
    }

    void raise(Alarm alarm, String detail) {
        alarms.raise(alarm, detail);
    }

    void clear(Alarm alarm) {
        alarms.clear(alarm);
    }

    PairStatus status() {
        return new PairStatus(
                phase.state(),
                phase.active(),
                Map.copyOf(health),
                alarms.snapshot(),
                Set.copyOf(fenced),
                history.last(),
                history.completed(),
                history.maxRtoMillis(),
                List.copyOf(transitions));
    }

    // ---- facts from the field ------------------------------------------------------------------

    /** Records a poll result; one sent before a verified step keeps the step's field information. */
    void observe(Health polled) {
        Health h = polled;
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
    }

    /** Records what the posture checks found on a controller, and raises or clears the standby's alarm. */
    void postureJudged(Input.PostureJudged judged) {
        if (judged.weakness().isEmpty()) {
            weakness.remove(judged.controllerId());
            // Parity returned: a waiver was for the findings of then, not for their return.
            waived.remove(judged.controllerId());
        } else {
            weakness.put(judged.controllerId(), judged.weakness());
        }
        if (judged.refuseOnFailure()) {
            refusedOnFailure.add(judged.controllerId());
        } else {
            refusedOnFailure.remove(judged.controllerId());
            if (refusedOnFailure.isEmpty()) {
                clear(Alarm.STANDBY_BELOW_BASELINE);
            }
        }
        updatePostureAlarm();
    }

    /** Whether a real failure must not promote {@code id} (see {@link Input.PostureJudged}). */
    boolean refusedOnFailure(String id) {
        return refusedOnFailure.contains(id);
    }

    /** What makes {@code id} less secure than required as a switchover target, or empty. */
    String weakness(String id) {
        return weakness.getOrDefault(id, "");
    }

    /**
     * {@link Alarm#STANDBY_LESS_SECURE} while the controller that is not the active has a weakness,
     * {@link Alarm#ACTIVE_LESS_SECURE} while the active has one.
     */
    void updatePostureAlarm() {
        String active = phase().active();
        String standby = active == null ? null : other(active);
        if (standby != null && weakness.containsKey(standby)) {
            raise(Alarm.STANDBY_LESS_SECURE, "standby " + standby + ": " + weakness.get(standby));
        } else {
            clear(Alarm.STANDBY_LESS_SECURE);
        }
        if (active != null
                && weakness.containsKey(active)
                && !weakness.get(active).equals(waived.get(active))) {
            raise(Alarm.ACTIVE_LESS_SECURE, "active " + active + ": " + weakness.get(active));
        } else {
            clear(Alarm.ACTIVE_LESS_SECURE);
        }
    }

    /** Ends the storm lock (a signed re-arm) and starts the count of automatic switchovers again. */
    void rearmed() {
        stormLocked = false;
        history.rearmed();
        clear(Alarm.STORM_LOCKED);
    }

    /** Accepts the active's weakness of now (a signed waiver); a changed weakness raises the alarm again. */
    void postureWaived() {
        String active = phase().active();
        if (active != null && weakness.containsKey(active)) {
            waived.put(active, weakness.get(active));
        }
        updatePostureAlarm();
    }

    void fenceObserved(Input.FenceObserved seen) {
        if (!health.containsKey(seen.controllerId())) {
            throw new IllegalArgumentException("unknown controller " + seen.controllerId());
        }
        if (seen.cut()) {
            fenced.add(seen.controllerId());
        } else {
            fenced.remove(seen.controllerId());
            maybeFenced.remove(seen.controllerId());
        }
    }

    /** Records what a finished step established about its controller, its fence and the unfence back-off. */
    void stepFacts(Input.StepDone done) {
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
        switch (action) {
            case Action.Fence f -> {
                if (done.ok()) {
                    fenced.add(id);
                } else {
                    // Not confirmed, yet it may have cut: the field will say (its outputs disabled).
                    maybeFenced.add(id);
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
            case Action.Demote d -> {}
            case Action.Promote p -> {}
        }
    }

    Health health(String id) {
        return health.get(id);
    }

    boolean fenced(String id) {
        return fenced.contains(id);
    }

    /** The controllers whose outputs are cut by their fence, read-only. */
    Set<String> fenced() {
        return Collections.unmodifiableSet(fenced);
    }

    boolean awaitingPoll(String id) {
        return awaitingPoll.contains(id);
    }

    String other(String id) {
        return id.equals(primary) ? secondary : primary;
    }

    // ---- what the facts mean -------------------------------------------------------------------

    /**
     * The active has failed and is failing now (its latest poll was bad), or it answers healthily
     * but no longer reports ACTIVE, or no longer drives its outputs (safety rule 8: a controller
     * whose outputs are cut is not the healthy active). A failed active whose latest polls were good
     * is recovering: it is not failed over on that stale verdict (safety rule 2), but again as soon
     * as a poll is bad.
     */
    boolean activeLost(Health a) {
        return (a.condition() == Condition.FAILED && a.consecutiveBad() > 0)
                || (a.reachable() && a.condition() == Condition.HEALTHY && !a.drives())
                || fenced.contains(a.controllerId());
    }

    void trackStandbyReadiness(Health o, String other, long now) {
        boolean ready = o.readyAsStandby() && !fenced.contains(other);
        if (!ready) {
            standbyReadySinceNanos = Long.MIN_VALUE;
        } else if (standbyReadySinceNanos == Long.MIN_VALUE) {
            standbyReadySinceNanos = now;
        }
    }

    boolean holdDownOver(long now) {
        return history.holdDownOver(now, policy.holdDown());
    }

    /** Known not to drive: its fresh answer says so, or its fence reports its outputs cut. */
    boolean knownNotDriving(String id) {
        return fenced.contains(id) || health.get(id).knownNotDriving();
    }

    /**
     * Whether waiting out the hold-down leaves the process driven: the lost active answers and still
     * drives (a frozen heartbeat, a slow answer), or it is silent and cannot be fenced. A silent one
     * that can be fenced is cut and replaced at once, and one known not to drive is replaced at once:
     * the hold-down spaces switchovers against flapping, it never keeps a process undriven (safety
     * rule 9), and break before make still confirms the old active cannot drive before any promotion.
     */
    boolean mayKeepDriving(String id, Health h) {
        if (knownNotDriving(id)) {
            return false;
        }
        return h.reachable() || !fenceable.contains(id);
    }

    /** Neither controller drives the process, as far as the field tells (an unreachable unfenced one might). */
    boolean nobodyDrives() {
        return knownNotDriving(primary) && knownNotDriving(secondary);
    }

    /**
     * A fenced controller that answers, is healthy and reports STANDBY: restoring its outputs is safe
     * (a STANDBY does not drive), unless the last attempt failed and its back-off has not passed.
     */
    boolean unfenceable(String id, Health h, long now) {
        return (fenced.contains(id) || (maybeFenced.contains(id) && !h.outputsEnabled()))
                && fenceable.contains(id)
                && h.reachable()
                && h.condition() == Condition.HEALTHY
                && h.role() == RuntimeRole.STANDBY
                && now >= nextUnfenceNanos;
    }

    String notReady(String id, Health h) {
        return fenced.contains(id) ? "fenced, " + h.describe() : h.describe();
    }

    String drivingText(String id) {
        return fenced.contains(id) ? "fenced" : health.get(id).describe();
    }
}
