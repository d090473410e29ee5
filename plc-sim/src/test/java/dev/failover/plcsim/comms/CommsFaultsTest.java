package dev.failover.plcsim.comms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommsFaultsTest {

    private final CommsFaults faults = new CommsFaults();

    @Test
    void loseCountsDownToNothing() {
        faults.lose(2);

        assertThat(faults.takeLost()).isTrue();
        assertThat(faults.active()).containsExactly("lose:1");
        assertThat(faults.takeLost()).isTrue();
        assertThat(faults.takeLost()).isFalse();
        assertThat(faults.active()).isEmpty();
    }

    @Test
    void stallEndsByItself() {
        faults.stall(Duration.ZERO);
        assertThat(faults.stallRemaining()).isZero();

        faults.stall(Duration.ofMinutes(1));
        assertThat(faults.stallRemaining()).isPositive();
        assertThat(faults.active()).containsExactly("stall");
    }

    @Test
    void slowZeroMeansNoDelay() {
        faults.slow(Duration.ofMillis(30));
        assertThat(faults.active()).containsExactly("slow:30");

        faults.slow(Duration.ZERO);
        assertThat(faults.active()).isEmpty();
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThatThrownBy(() -> faults.lose(0)).hasMessage("lose needs a count of at least 1, got 0");
        assertThatThrownBy(() -> faults.slow(Duration.ofMillis(-1)))
                .hasMessageStartingWith("slow needs a non-negative");
        assertThatThrownBy(() -> faults.stall(Duration.ofMillis(-1)))
                .hasMessageStartingWith("stall needs a non-negative");
    }

    @Test
    void listenersHearEveryChangeUntilRemoved() {
        List<List<String>> heard = new ArrayList<>();
        Runnable listener = () -> heard.add(faults.active());
        faults.addListener(listener);

        faults.hang();
        faults.slow(Duration.ofMillis(5));
        faults.clear();
        faults.removeListener(listener);
        faults.drop();

        assertThat(heard).containsExactly(List.of("hang"), List.of("hang", "slow:5"), List.of());
    }

    @Test
    void clearRemovesEverything() {
        faults.hang();
        faults.drop();
        faults.slow(Duration.ofMillis(5));
        faults.lose(4);
        faults.stall(Duration.ofMinutes(1));

        faults.clear();

        assertThat(faults.active()).isEmpty();
        assertThat(faults.hanging()).isFalse();
        assertThat(faults.dropping()).isFalse();
        assertThat(faults.stallRemaining()).isZero();
    }
}
