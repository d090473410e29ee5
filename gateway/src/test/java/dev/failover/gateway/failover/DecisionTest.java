package dev.failover.gateway.failover;

import static dev.failover.gateway.failover.Harness.A;
import static dev.failover.gateway.failover.Harness.B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.testing.FakeTicker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The failover core answers each input with a value, and nothing it reports runs under its lock. */
class DecisionTest {

    @Test
    void aDecisionCarriesTheActionAndTheEffectsInOrderAsValues() {
        FailoverController fsm = new FailoverController(
                A, B, Set.of(A, B), FailoverPolicy.defaults(), new FakeTicker(), FailoverEvents.NONE);
        fsm.decide(new Input.HealthChanged(Harness.healthy(A, RuntimeRole.ACTIVE)));

        Decision protect = fsm.decide(new Input.HealthChanged(Harness.healthy(B, RuntimeRole.STANDBY)));

        assertThat(protect.actions()).isEmpty();
        assertThat(protect.effects())
                .singleElement()
                .isInstanceOfSatisfying(
                        Decision.TransitionMade.class,
                        t -> assertThat(t.transition().to()).isEqualTo(PairState.PROTECTED));

        Decision lost = fsm.decide(new Input.HealthChanged(Harness.faulted(A, RuntimeRole.ACTIVE)));
        assertThat(lost.actions()).containsExactly(new Action.Demote(A));
        assertThat(lost.effects())
                .extracting(e -> e.getClass().getSimpleName())
                .as("switching, then nothing else until the step is done")
                .containsExactly("TransitionMade");
    }

    @Test
    void handleReportsEveryEffectWithTheLockReleased() {
        AtomicReference<FailoverController> self = new AtomicReference<>();
        List<String> seen = new ArrayList<>();
        FailoverEvents listener = new FailoverEvents() {
            @Override
            public void transition(Transition transition) {
                seen.add("transition to " + transition.to() + ", lock held " + Thread.holdsLock(self.get()));
            }

            @Override
            public void alarm(Alarm alarm, boolean raised, String detail) {
                seen.add("alarm " + alarm + " " + raised + ", lock held " + Thread.holdsLock(self.get()));
            }

            @Override
            public void switchover(SwitchoverReport report) {
                seen.add("report " + report.ok() + ", lock held " + Thread.holdsLock(self.get()));
            }
        };
        FailoverController fsm =
                new FailoverController(A, B, Set.of(A, B), FailoverPolicy.defaults(), new FakeTicker(), listener);
        self.set(fsm);

        fsm.handle(new Input.HealthChanged(Harness.healthy(A, RuntimeRole.ACTIVE)));
        fsm.handle(new Input.HealthChanged(Harness.healthy(B, RuntimeRole.STANDBY)));
        List<Action> demote = fsm.handle(new Input.HealthChanged(Harness.faulted(A, RuntimeRole.ACTIVE)));
        List<Action> promote = fsm.handle(new Input.StepDone(demote.getFirst(), true, "verified"));
        fsm.handle(new Input.StepDone(promote.getFirst(), true, "verified"));

        assertThat(seen).isNotEmpty().allMatch(line -> line.endsWith("lock held false"));
        assertThat(seen).anyMatch(line -> line.startsWith("report true"));
    }

    @Test
    void aListenerThatThrowsLosesNeitherTheActionNorTheOtherEffects() {
        List<String> seen = new ArrayList<>();
        FailoverEvents listener = new FailoverEvents() {
            @Override
            public void transition(Transition transition) {
                seen.add("transition to " + transition.to());
                throw new IllegalStateException("a broken listener");
            }

            @Override
            public void alarm(Alarm alarm, boolean raised, String detail) {
                seen.add("alarm " + alarm);
            }
        };
        FailoverController fsm =
                new FailoverController(A, B, Set.of(A, B), FailoverPolicy.defaults(), new FakeTicker(), listener);
        fsm.handle(new Input.HealthChanged(Harness.healthy(A, RuntimeRole.ACTIVE)));
        fsm.handle(new Input.HealthChanged(Harness.healthy(B, RuntimeRole.STANDBY)));

        List<Action> demote = fsm.handle(new Input.HealthChanged(Harness.faulted(A, RuntimeRole.ACTIVE)));

        assertThat(demote).containsExactly(new Action.Demote(A));
        assertThat(seen).contains("transition to PROTECTED", "transition to SWITCHING");
    }
}
