package dev.failover.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The option types the benchmarks take: lists of whole numbers and durations ({@code --soak 60s}). */
class ArgsTest {

    private static Args parse(String... args) throws Args.UsageException {
        return Args.parse(List.of(args), Set.of("pairs", "duration"), Set.of());
    }

    @Test
    void aListOfPairCountsKeepsItsOrder() throws Exception {
        assertThat(parse("--pairs", "10, 1,50").integers("pairs", List.of(1), 1, 500))
                .containsExactly(10, 1, 50);
        assertThat(parse().integers("pairs", List.of(1, 10, 50), 1, 500)).containsExactly(1, 10, 50);
    }

    @Test
    void aBadListNamesWhatIsWrong() {
        assertThatThrownBy(() -> parse("--pairs", "1,,10").integers("pairs", List.of(), 1, 500))
                .isInstanceOf(Args.UsageException.class)
                .hasMessageContaining("separated by commas");
        assertThatThrownBy(() -> parse("--pairs", "0,10").integers("pairs", List.of(), 1, 500))
                .hasMessageContaining("between 1 and 500, got 0");
        assertThatThrownBy(() -> parse("--pairs", "10,10").integers("pairs", List.of(), 1, 500))
                .hasMessageContaining("names 10 twice");
    }

    @Test
    void durationsTakeMillisecondsSecondsAndMinutes() throws Exception {
        assertThat(Args.parseDuration("500ms")).contains(Duration.ofMillis(500));
        assertThat(Args.parseDuration("30s")).contains(Duration.ofSeconds(30));
        assertThat(Args.parseDuration("2m")).contains(Duration.ofMinutes(2));
        assertThat(Args.parseDuration("30")).isEmpty();
        assertThat(Args.parseDuration("1.5s")).isEmpty();
        assertThat(Args.parseDuration("-5s")).isEmpty();
    }

    @Test
    void aDurationOutsideItsBoundsIsRefused() throws Exception {
        Duration min = Duration.ofSeconds(1);
        Duration max = Duration.ofHours(1);
        assertThat(parse("--duration", "10s").duration("duration", Duration.ofSeconds(30), min, max))
                .isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> parse("--duration", "500ms").duration("duration", min, min, max))
                .isInstanceOf(Args.UsageException.class)
                .hasMessageContaining("between 1s and 1h");
        assertThatThrownBy(() -> parse("--duration", "ten").duration("duration", min, min, max))
                .hasMessageContaining("whole number with a unit");
    }

    private static Duration soak(String value) throws Args.UsageException {
        return Args.parse(List.of("--soak", value), Set.of("soak"), Set.of())
                .duration("soak", Duration.ofMinutes(10), Duration.ZERO, Duration.ofHours(24));
    }

    @Test
    void aDurationIsANumberWithTheConfigurationFilesUnits() throws Exception {
        assertThat(soak("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(soak("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(soak("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(soak("2h")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void zeroNeedsNoUnitAndMeansNone() throws Exception {
        assertThat(soak("0")).isZero();
        assertThat(soak("0s")).isZero();
    }

    @Test
    void aNumberWithoutAUnitOrAFractionOrANegativeIsAUsageErrorThatShowsTheForm() {
        for (String bad : List.of("60", "1.5m", "-5s", "10 m", "ten", "5d")) {
            assertThatThrownBy(() -> soak(bad))
                    .as(bad)
                    .isInstanceOf(Args.UsageException.class)
                    .hasMessage("--soak must be a whole number with a unit, ms, s, m or h (30s, 10m), or 0; got '" + bad
                            + "'");
        }
    }

    @Test
    void aDurationAboveTheMaximumIsAUsageError() {
        assertThatThrownBy(() -> soak("25h"))
                .isInstanceOf(Args.UsageException.class)
                .hasMessage("--soak must be between 0 and 24h, got 25h");
    }
}
