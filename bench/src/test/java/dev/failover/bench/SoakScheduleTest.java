package dev.failover.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.bench.SoakSchedule.LostPoll;
import dev.failover.bench.SoakSchedule.Pause;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The soak's plan of gateway pauses and lost polls (issue 10's benchmark: SIGSTOPs of 50-500 ms). */
class SoakScheduleTest {

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    private static SoakSchedule plan(Duration length, long seed) {
        return SoakSchedule.plan(length, new SplittableRandom(seed));
    }

    @Test
    void pausesLastFiftyToFiveHundredMillisecondsAndUseTheWholeRange() {
        List<Long> lengths = plan(TEN_MINUTES, 1).steps().stream()
                .filter(s -> s instanceof Pause)
                .map(s -> ((Pause) s).length().toMillis())
                .toList();

        assertThat(lengths).allSatisfy(ms -> assertThat(ms).isBetween(50L, 500L));
        // Drawn over the range, not one fixed length: some short pauses and some long ones.
        assertThat(lengths).anySatisfy(ms -> assertThat(ms).isLessThan(100L));
        assertThat(lengths).anySatisfy(ms -> assertThat(ms).isGreaterThan(450L));
    }

    @Test
    void pausesStartTwoToFourSecondsApartSoTheyNeverOverlap() {
        List<Pause> pauses = plan(TEN_MINUTES, 2).steps().stream()
                .filter(s -> s instanceof Pause)
                .map(s -> (Pause) s)
                .toList();

        assertThat(pauses.getFirst().at().toMillis()).isBetween(2_000L, 4_000L);
        for (int i = 1; i < pauses.size(); i++) {
            long gap = pauses.get(i).at().minus(pauses.get(i - 1).at()).toMillis();
            assertThat(gap).as("gap before pause %d", i).isBetween(2_000L, 4_000L);
        }
        // About one every 3 s over 10 minutes.
        assertThat(pauses).hasSizeBetween(150, 300);
    }

    @Test
    void lostPollsComeOneToTwoSecondsApartAlternatelyOnTheActiveAndTheStandby() {
        List<LostPoll> losses = plan(TEN_MINUTES, 3).steps().stream()
                .filter(s -> s instanceof LostPoll)
                .map(s -> (LostPoll) s)
                .toList();

        assertThat(losses).hasSizeBetween(300, 600);
        for (int i = 1; i < losses.size(); i++) {
            long gap = losses.get(i).at().minus(losses.get(i - 1).at()).toMillis();
            assertThat(gap).as("gap before lost poll %d", i).isBetween(1_000L, 2_000L);
            assertThat(losses.get(i).onActive()).isNotEqualTo(losses.get(i - 1).onActive());
        }
        assertThat(losses.getFirst().onActive()).isTrue();
    }

    @Test
    void stepsAreInOrderAndEveryPauseEndsWithinTheSoak() {
        Duration length = Duration.ofSeconds(30);
        SoakSchedule schedule = plan(length, 4);

        assertThat(schedule.steps()).isSortedAccordingTo(java.util.Comparator.comparing(SoakSchedule.Step::at));
        assertThat(schedule.steps()).allSatisfy(s -> {
            Duration end = s instanceof Pause p ? p.at().plus(p.length()) : s.at();
            assertThat(end).isLessThanOrEqualTo(length);
        });
        assertThat(schedule.pauses()).isPositive();
        assertThat(schedule.lostPolls()).isPositive();
    }

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        assertThat(plan(TEN_MINUTES, 42)).isEqualTo(plan(TEN_MINUTES, 42));
        assertThat(plan(TEN_MINUTES, 42)).isNotEqualTo(plan(TEN_MINUTES, 43));
    }

    @Test
    void aSoakTooShortForAnyStepOrOfZeroLengthPlansNothing() {
        assertThat(plan(Duration.ZERO, 5).steps()).isEmpty();
        // The first lost poll comes after 1 s at the earliest, the first pause after 2 s.
        assertThat(plan(Duration.ofMillis(999), 5).steps()).isEmpty();
    }
}
