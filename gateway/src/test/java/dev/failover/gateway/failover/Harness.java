package dev.failover.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Drives a {@link FailoverController} for pair A (preferred primary) and B, recording what it emits. */
final class Harness implements FailoverEvents {

    static final String A = "plc-a";
    static final String B = "plc-b";

    final FakeTicker ticker = new FakeTicker();
    final List<Transition> transitions = new ArrayList<>();
    final List<String> alarmsRaised = new ArrayList<>();
    final List<SwitchoverReport> reports = new ArrayList<>();
    final FailoverController fsm;

    Harness(FailoverPolicy policy, Set<String> fenceable) {
        fsm = new FailoverController(A, B, fenceable, policy, ticker, this);
    }

    Harness() {
        this(FailoverPolicy.defaults(), Set.of(A, B));
    }

    static Health healthy(String id, RuntimeRole role) {
        return new Health(
                id, Condition.HEALTHY, true, role, RunStatus.RUN, true, 7, 100_000, 0, Long.MIN_VALUE, 0, "", 0);
    }

    static Health suspect(String id, RuntimeRole role) {
        return new Health(id, Condition.SUSPECT, false, role, RunStatus.RUN, true, 7, 100_000, 0, 0, 1, "TIMEOUT", 0);
    }

    /** Failed and unreachable: its last known role is kept, as the tracker does. */
    static Health unreachable(String id, RuntimeRole lastRole) {
        return new Health(
                id, Condition.FAILED, false, lastRole, RunStatus.RUN, true, 7, 100_000, 0, 0, 3, "TIMEOUT", 0);
    }

    /** Failed but answering and still driving: its heartbeat is frozen. */
    static Health frozen(String id) {
        return new Health(
                id,
                Condition.FAILED,
                true,
                RuntimeRole.ACTIVE,
                RunStatus.RUN,
                true,
                7,
                100_000,
                0,
                0,
                3,
                "heartbeat did not advance",
                0);
    }

    /** Healthy and answering, but its outputs are cut (output-enable off): it drives nothing. */
    static Health cut(String id, RuntimeRole role) {
        return new Health(
                id, Condition.HEALTHY, true, role, RunStatus.RUN, false, 7, 100_000, 0, Long.MIN_VALUE, 0, "", 0);
    }

    /** Failed but answering, for example reporting FAULT. */
    static Health faulted(String id, RuntimeRole role) {
        return new Health(id, Condition.FAILED, true, role, RunStatus.FAULT, true, 7, 100_000, 0, 0, 3, "FAULT", 0);
    }

    static Action demote(String id) {
        return new Action.Demote(id);
    }

    static Action promote(String id) {
        return new Action.Promote(id);
    }

    static Action fence(String id) {
        return new Action.Fence(id);
    }

    static Action unfence(String id) {
        return new Action.Unfence(id);
    }

    /** Feeds a poll result as if the poll had been sent just now. */
    List<Action> health(Health h) {
        return polledAt(h, ticker.nanos());
    }

    /** Feeds a poll result whose poll was sent at {@code sentNanos}. */
    List<Action> polledAt(Health h, long sentNanos) {
        Health stamped = new Health(
                h.controllerId(),
                h.condition(),
                h.reachable(),
                h.role(),
                h.status(),
                h.outputsEnabled(),
                h.driving(),
                h.heartbeat(),
                h.latencyNanos(),
                h.lastGoodNanos(),
                h.badSinceNanos(),
                h.consecutiveBad(),
                h.reason(),
                sentNanos);
        return fsm.handle(new Input.HealthChanged(stamped));
    }

    List<Action> done(Action a, boolean ok) {
        return fsm.handle(new Input.StepDone(a, ok, ok ? "verified" : "failed in test"));
    }

    List<Action> fenceObserved(String id, boolean cut) {
        return fsm.handle(new Input.FenceObserved(id, cut, "test"));
    }

    List<Action> request(String id) {
        return fsm.handle(new Input.SwitchoverRequested(id, "alice", "test"));
    }

    /** Brings the pair to PROTECTED with A active. */
    Harness protectedWithAActive() {
        health(healthy(A, RuntimeRole.ACTIVE));
        assertThat(health(healthy(B, RuntimeRole.STANDBY))).isEmpty();
        assertThat(state()).isEqualTo(PairState.PROTECTED);
        return this;
    }

    /** Runs a reachable failover from {@code from} to {@code to} and returns the pair to PROTECTED. */
    Harness failover(String from, String to) {
        assertThat(health(faulted(from, RuntimeRole.ACTIVE))).containsExactly(demote(from));
        assertThat(done(demote(from), true)).containsExactly(promote(to));
        assertThat(done(promote(to), true)).isEmpty();
        health(healthy(to, RuntimeRole.ACTIVE));
        health(healthy(from, RuntimeRole.STANDBY));
        assertThat(state()).isEqualTo(PairState.PROTECTED);
        return this;
    }

    PairState state() {
        return fsm.status().state();
    }

    String active() {
        return fsm.status().activeId();
    }

    boolean alarmed(Alarm alarm) {
        return fsm.status().alarms().containsKey(alarm);
    }

    void advance(Duration d) {
        ticker.advance(d);
    }

    @Override
    public void transition(Transition transition) {
        transitions.add(transition);
    }

    @Override
    public void alarm(Alarm alarm, boolean raised, String detail) {
        if (raised) {
            alarmsRaised.add(alarm + ": " + detail);
        }
    }

    @Override
    public void switchover(SwitchoverReport report) {
        reports.add(report);
    }
}
