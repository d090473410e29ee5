package dev.failover.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResponseDeadlineTest {

    private static final long MS = 1_000_000L;

    private final ResponseDeadline deadline = new ResponseDeadline(Duration.ofMillis(15), Duration.ofMillis(60));

    @Test
    void beforeAnyAnswerTheDeadlineIsTheCeiling() {
        assertThat(deadline.current()).isEqualTo(Duration.ofMillis(60));
        assertThat(deadline.figures().samples()).isZero();
    }

    @Test
    void steadyAnswersGetTheirRoundTripPlusTheFloor() {
        for (int i = 0; i < 50; i++) {
            deadline.sample(MS);
        }
        assertThat(deadline.current()).isEqualTo(Duration.ofMillis(16));
        assertThat(deadline.figures().srttMillis()).isCloseTo(1.0, within(0.01));
        assertThat(deadline.figures().samples()).isEqualTo(50);
    }

    @Test
    void followsRfc6298() {
        // First sample R: SRTT = R, RTTVAR = R/2, so RTO = R + 4·R/2 = 3R.
        ResponseDeadline wide = new ResponseDeadline(Duration.ofMillis(1), Duration.ofSeconds(1));
        wide.sample(10 * MS);
        assertThat(wide.figures().deadlineMillis()).isCloseTo(30.0, within(0.001));
        // Second sample 20 ms: RTTVAR = 3/4·5 + 1/4·|10 - 20| = 6.25; SRTT = 7/8·10 + 1/8·20 = 11.25.
        wide.sample(20 * MS);
        assertThat(wide.figures().rttvarMillis()).isCloseTo(6.25, within(0.001));
        assertThat(wide.figures().srttMillis()).isCloseTo(11.25, within(0.001));
        assertThat(wide.figures().deadlineMillis()).isCloseTo(36.25, within(0.001));
    }

    @Test
    void scatteredAnswersWidenTheDeadlineUpToTheCeiling() {
        for (int i = 0; i < 50; i++) {
            deadline.sample(MS);
        }
        for (int i = 0; i < 6; i++) {
            deadline.sample(i % 2 == 0 ? 12 * MS : MS);
        }
        Duration widened = deadline.current();
        assertThat(widened).isGreaterThan(Duration.ofMillis(17)).isLessThanOrEqualTo(Duration.ofMillis(60));
        for (int i = 0; i < 30; i++) {
            deadline.sample(200 * MS);
        }
        assertThat(deadline.current()).isEqualTo(Duration.ofMillis(60));
    }

    @Test
    void narrowsAgainOnceAnswersSettle() {
        for (int i = 0; i < 20; i++) {
            deadline.sample(i % 2 == 0 ? 20 * MS : MS);
        }
        assertThat(deadline.current()).isGreaterThan(Duration.ofMillis(30));
        for (int i = 0; i < 100; i++) {
            deadline.sample(MS);
        }
        assertThat(deadline.figures().deadlineMillis()).isCloseTo(16.0, within(0.01));
    }

    @Test
    void aSteadilySlowControllerGetsTheFloorBeyondItsRoundTrip() {
        for (int i = 0; i < 50; i++) {
            deadline.sample(25 * MS);
        }
        assertThat(deadline.current()).isEqualTo(Duration.ofMillis(40));
    }

    @Test
    void aFixedDeadlineWhenFloorAndCeilingAgree() {
        ResponseDeadline fixed = new ResponseDeadline(Duration.ofMillis(15), Duration.ofMillis(15));
        assertThat(fixed.current()).isEqualTo(Duration.ofMillis(15));
        fixed.sample(100 * MS);
        assertThat(fixed.current()).isEqualTo(Duration.ofMillis(15));
    }

    @Test
    void refusesACeilingBelowTheFloor() {
        assertThatThrownBy(() -> new ResponseDeadline(Duration.ofMillis(15), Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
