package dev.failover.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Durations on the command line, as {@code benchmark --soak 60s} takes them. */
class ArgsTest {

    private static final Duration MAX = Duration.ofHours(24);

    private static Duration soak(String value) throws Args.UsageException {
        return Args.parse(List.of("--soak", value), Set.of("soak"), Set.of())
                .duration("soak", Duration.ofMinutes(10), MAX);
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
    void anAbsentOptionTakesTheDefault() throws Exception {
        assertThat(Args.parse(List.of(), Set.of("soak"), Set.of()).duration("soak", Duration.ofMinutes(10), MAX))
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aNumberWithoutAUnitOrAFractionOrANegativeIsAUsageErrorThatShowsTheForm() {
        for (String bad : List.of("60", "1.5m", "-5s", "10 m", "ten", "5d")) {
            assertThatThrownBy(() -> soak(bad))
                    .as(bad)
                    .isInstanceOf(Args.UsageException.class)
                    .hasMessage("--soak must be a number with a unit (ms, s, m or h), e.g. 60s or 10m, or 0; got '"
                            + bad + "'");
        }
    }

    @Test
    void aDurationAboveTheMaximumIsAUsageError() {
        assertThatThrownBy(() -> soak("25h"))
                .isInstanceOf(Args.UsageException.class)
                .hasMessage("--soak must be at most 24h, got '25h'");
    }
}
