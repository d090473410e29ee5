package dev.failover.gateway.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.config.TagConfig.TagType;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.mirror.Rejection.Rule;
import dev.failover.gateway.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every check a value passes before it is mirrored (safety rule 5: replication never spreads bad
 * data), each rule on its own: the source controller's status, the raw value's type, the engineering
 * bounds and the rate of change, with time from a fake ticker.
 */
class MirrorValidatorTest {

    private static final TagConfig SETPOINT =
            new TagConfig("level_setpoint", 20, TagType.UINT16, 0.01, "%", 0, 100, true, List.of(), null, 5);

    private final FakeTicker ticker = new FakeTicker();
    private final MirrorValidator validator = new MirrorValidator();

    private Optional<Rejection> check(TagConfig tag, double raw) {
        return validator.check(tag, raw, ticker.nanos());
    }

    private static TagConfig tag(TagType type) {
        return new TagConfig("t", 0, type, 1, "", -1e12, 1e12, true, List.of());
    }

    @Nested
    class Source {

        @Test
        void aHealthyActiveThatCanTakeCommandsIsMirroredFrom() {
            assertThat(MirrorValidator.sourceProblem(
                            health(Condition.HEALTHY, true, RuntimeRole.ACTIVE, RunStatus.RUN, "")))
                    .isEmpty();
        }

        @Test
        void aSuspectActiveIsNotMirroredFromThoughItCanStillTakeCommands() {
            // One missed poll is not a fault, but it may be the first sign of one: its values wait.
            Health suspect = health(Condition.SUSPECT, false, RuntimeRole.ACTIVE, RunStatus.RUN, "TIMEOUT");
            assertThat(suspect.canTakeCommands()).isTrue();

            assertThat(MirrorValidator.sourceProblem(suspect))
                    .contains("active plc-a is not healthy (SUSPECT, unreachable, role ACTIVE, status RUN, TIMEOUT)");
        }

        @Test
        void aFaultedOrStoppedOrDemotedControllerIsNotMirroredFrom() {
            assertThat(MirrorValidator.sourceProblem(
                            health(Condition.HEALTHY, true, RuntimeRole.ACTIVE, RunStatus.FAULT, "")))
                    .contains("active plc-a cannot take commands (HEALTHY, reachable, role ACTIVE, status FAULT)");
            assertThat(MirrorValidator.sourceProblem(
                            health(Condition.HEALTHY, true, RuntimeRole.ACTIVE, RunStatus.STOP, "")))
                    .isPresent();
            assertThat(MirrorValidator.sourceProblem(
                            health(Condition.HEALTHY, true, RuntimeRole.STANDBY, RunStatus.RUN, "")))
                    .isPresent();
            assertThat(MirrorValidator.sourceProblem(
                            health(Condition.FAILED, false, RuntimeRole.ACTIVE, RunStatus.RUN, "TIMEOUT")))
                    .isPresent();
        }

        private static Health health(
                Condition condition, boolean reachable, RuntimeRole role, RunStatus status, String reason) {
            return new Health("plc-a", condition, reachable, role, status, true, 7, 1_000, 0, 0, 0, reason, 0);
        }
    }

    @Nested
    class Type {

        @ParameterizedTest(name = "{0} raw {1}")
        @CsvSource({
            "UINT16, 0",
            "UINT16, 65535",
            "INT16, -32768",
            "INT16, 32767",
            "UINT32, 4294967295",
            "INT32, -2147483648",
            "INT32, 2147483647",
            "FLOAT32, -1.5",
            "FLOAT32, 1.0E11"
        })
        void valuesOfTheTypePass(TagType type, double raw) {
            assertThat(check(tag(type), raw)).isEmpty();
        }

        @ParameterizedTest(name = "{0} raw {1}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "UINT16  | -1          | raw value -1 is outside the uint16 range 0..65535",
                    "UINT16  | 65536       | raw value 65536 is outside the uint16 range 0..65535",
                    "UINT16  | 1.5         | raw value 1.5 is not a whole number, as a uint16 is",
                    "INT16   | -32769      | raw value -32769 is outside the int16 range -32768..32767",
                    "UINT32  | 4294967296  | raw value 4294967296 is outside the uint32 range 0..4294967295",
                    "INT32   | 2147483648  | raw value 2147483648 is outside the int32 range -2147483648..2147483647",
                    "INT32   | NaN         | raw value NaN is not a finite int32",
                    "FLOAT32 | NaN         | raw value NaN is not a finite float32",
                    "FLOAT32 | -Infinity   | raw value -Infinity is not a finite float32",
                    "FLOAT32 | 1e39        | raw value 1.0E39 is outside the float32 range"
                })
        void valuesOutsideTheTypeAreRejected(TagType type, double raw, String detail) {
            assertThat(check(tag(type), raw)).contains(new Rejection(Rule.TYPE, detail));
        }
    }

    @Nested
    class Bounds {

        @Test
        void theBoundsThemselvesPass() {
            assertThat(check(SETPOINT, 0)).isEmpty();
            ticker.advance(Duration.ofSeconds(100));
            assertThat(check(SETPOINT, 10000)).isEmpty();
        }

        @Test
        void engineeringValuesOutsideMinAndMaxAreRejected() {
            // plc-sim's corrupt-setpoints reads 40960 and above: 409.6 %, a valid uint16.
            assertThat(check(SETPOINT, 40960)).contains(new Rejection(Rule.BOUNDS, "409.6 % is above max 100 %"));
            TagConfig signed = new TagConfig("temp", 30, TagType.INT16, 0.1, "°C", -40, 150, true, List.of());
            assertThat(check(signed, -401)).contains(new Rejection(Rule.BOUNDS, "-40.1 °C is below min -40 °C"));
        }
    }

    @Nested
    class Rate {

        @Test
        void theFirstValueHasNothingToCompareWith() {
            assertThat(check(SETPOINT, 9000)).isEmpty();
        }

        @Test
        void aChangeWithinMaxRatePasses() {
            assertThat(check(SETPOINT, 5000)).isEmpty();
            ticker.advance(Duration.ofMillis(100));

            // 0.5 % in 0.1 s is exactly 5 %/s.
            assertThat(check(SETPOINT, 5050)).isEmpty();
        }

        @Test
        void aJumpFasterThanMaxRateIsRejectedWithTheRateAndTheReference() {
            assertThat(check(SETPOINT, 5000)).isEmpty();
            ticker.advance(Duration.ofMillis(100));

            assertThat(check(SETPOINT, 8000))
                    .contains(new Rejection(
                            Rule.RATE, "changed by 30 % in 0.100 s (300 %/s), faster than maxRate 5 %/s, from 50 %"));
        }

        @Test
        void aRejectedValueIsNotTheReferenceOfTheNextCheck() {
            check(SETPOINT, 5000);
            ticker.advance(Duration.ofMillis(100));
            assertThat(check(SETPOINT, 8000)).isPresent();
            ticker.advance(Duration.ofMillis(100));

            // From the accepted 50 %, not from the rejected 80 %: 1 % in 0.2 s.
            assertThat(check(SETPOINT, 5100)).isEmpty();
        }

        @Test
        void aStepThatStaysIsAcceptedOnceMaxRateCoversIt() {
            check(SETPOINT, 5000);
            ticker.advance(Duration.ofSeconds(1));
            assertThat(check(SETPOINT, 6000)).isPresent();
            ticker.advance(Duration.ofMillis(999));
            assertThat(check(SETPOINT, 6000)).as("10 % in 1.999 s").isPresent();
            ticker.advance(Duration.ofMillis(1));

            assertThat(check(SETPOINT, 6000)).as("10 % in 2 s").isEmpty();
        }

        @Test
        void aChangeWithoutTimePassingIsRejectedAndNoChangeIsNot() {
            check(SETPOINT, 5000);

            assertThat(check(SETPOINT, 5000)).isEmpty();
            assertThat(check(SETPOINT, 5001))
                    .contains(new Rejection(
                            Rule.RATE, "changed by 0.01 % in 0.000 s (at once), faster than maxRate 5 %/s, from 50 %"));
        }

        @Test
        void aTagWithoutMaxRateMayJump() {
            TagConfig free = new TagConfig("valve_setpoint", 21, TagType.UINT16, 0.01, "%", 0, 100, true, List.of());
            check(free, 0);

            assertThat(check(free, 10000)).isEmpty();
        }

        @Test
        void typeAndBoundsComeFirstAndAreNotRateProblems() {
            check(SETPOINT, 5000);
            ticker.advance(Duration.ofMillis(100));

            assertThat(check(SETPOINT, 40960)).map(Rejection::rule).contains(Rule.BOUNDS);
            assertThat(check(SETPOINT, 1.5)).map(Rejection::rule).contains(Rule.TYPE);
        }
    }
}
