package dev.failover.gateway.failover;

import static dev.failover.gateway.failover.Harness.A;
import static dev.failover.gateway.failover.Harness.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The phases of a pair: each maps to its {@link PairState}, and only {@link Stepping} holds an action. */
class PhaseTest {

    private static final Switchover FAILOVER =
            new Switchover(SwitchoverKind.FAILOVER, A, B, "test", null, Long.MIN_VALUE, 0, 1);

    /** One of each phase that decides (all but Stepping), in each of its states. */
    private static final List<Phase> PHASES = List.of(
            new Discovering(null),
            new Discovering(A),
            new Steady(A, true),
            new Steady(A, false),
            new Switching(A, FAILOVER),
            new Blocked(A, false),
            new Blocked(A, true));

    @Test
    void everyPairStateIsThePhaseOfSomePhaseAndEveryPhaseIsCovered() {
        assertThat(PHASES).extracting(Phase::state).contains(PairState.values());
        assertThat(PHASES.stream().map(Object::getClass).distinct().toList())
                .as("every permitted phase but Stepping, which wraps the others")
                .containsExactlyInAnyOrder(List.of(Phase.class.getPermittedSubclasses()).stream()
                        .filter(c -> c != Stepping.class)
                        .toArray(Class<?>[]::new));
    }

    @Test
    void steppingReportsThePhaseItWrapsAndOnlyItHoldsAnAction() {
        for (Phase phase : PHASES) {
            assertThat(phase.step()).as("%s holds no action", phase).isNull();
            Stepping stepping = new Stepping(new Action.Unfence(B), phase);
            assertThat(stepping.state()).isEqualTo(phase.state());
            assertThat(stepping.active()).isEqualTo(phase.active());
            assertThat(stepping.step()).isEqualTo(new Action.Unfence(B));
        }
    }

    @Test
    void aSecondActionCannotBeOutstanding() {
        Stepping stepping = new Stepping(new Action.Demote(A), new Switching(A, FAILOVER));
        assertThatThrownBy(() -> new Stepping(new Action.Promote(B), stepping))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outstanding");
    }
}
