package dev.failover.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The soak's false-failover count from outside (role changes) and its verdict. */
class SoakReportTest {

    private static SoakReport.Figures figures(long changesA, long changesB, List<String> events, OptionalDouble rto) {
        return figures(changesA, changesB, events, 0, 0, 0, rto);
    }

    private static SoakReport.Figures figures(
            long changesA,
            long changesB,
            List<String> events,
            long startupA,
            long startupB,
            int startupEvents,
            OptionalDouble rto) {
        return new SoakReport.Figures(
                "-jar gateway.jar",
                4,
                10,
                2_500,
                20,
                0,
                changesA,
                changesB,
                events,
                startupA,
                startupB,
                startupEvents,
                true,
                "PROTECTED, active plc-a",
                30,
                2.0,
                480.0,
                "plc-a",
                rto,
                0,
                0,
                10_000,
                List.of(),
                Path.of("/tmp/soak"));
    }

    private static SoakSection.Settings settings() {
        return new SoakSection.Settings(
                "default profile", Duration.ofMinutes(10), "failback: manual\n", Duration.ofMillis(10), false);
    }

    @Test
    void promotionsAreCountedFromRoleChangesAndTheRoleAControllerStartedIn() {
        // plc-a started ACTIVE, plc-b STANDBY. A failover and back: two role changes each, one promotion each.
        assertThat(figures(2, 2, List.of(), OptionalDouble.of(90)).falseFailovers())
                .isEqualTo(2);
        // One failover: the old active was demoted, the standby promoted.
        assertThat(figures(1, 1, List.of(), OptionalDouble.of(90)).falseFailovers())
                .isEqualTo(1);
        assertThat(SoakReport.promotions(true, 1)).isZero();
        assertThat(SoakReport.promotions(false, 1)).isEqualTo(1);
        assertThat(SoakReport.promotions(false, 0)).isZero();
    }

    @Test
    void aQuietSoakWhoseCrashFailedOverMeetsItsTargets() {
        SoakReport.Figures quiet = figures(0, 0, List.of(), OptionalDouble.of(90));

        assertThat(quiet.met()).isTrue();
        assertThat(SoakReport.render(settings(), quiet))
                .contains("false failovers            0 (outside: role changes plc-a +0, plc-b +0;")
                .contains("plc-b drives after 90.0 ms (RTO seen from outside)")
                .endsWith("no split brain): MET\n");
    }

    @Test
    void aDemotionWithoutPromotionOrAnAttemptInTheEventLogOrNoFailoverAfterTheCrashMissesTheTargets() {
        // A demoted active is no promotion, yet the pair was bumped.
        SoakReport.Figures demoted = figures(1, 0, List.of(), OptionalDouble.of(90));
        assertThat(demoted.falseFailovers()).isZero();
        assertThat(demoted.met()).isFalse();
        // A switchover attempt that changed no role (refused, failed) is still one the gateway should not make.
        assertThat(figures(0, 0, List.of("SWITCHOVER_FAILED plc-b"), OptionalDouble.of(90))
                        .met())
                .isFalse();
        assertThat(figures(0, 0, List.of(), OptionalDouble.empty()).met()).isFalse();
    }

    @Test
    void falseFailoversWhileTheGatewayStartedAreCountedAndShownApart() {
        // One failover at start-up, one more during the soak: both count against the target.
        SoakReport.Figures f =
                figures(2, 2, List.of("SWITCHOVER_COMPLETED", "SWITCHOVER_COMPLETED"), 1, 1, 1, OptionalDouble.of(90));

        assertThat(f.falseFailovers()).isEqualTo(2);
        assertThat(f.startupFalseFailovers()).isEqualTo(1);
        assertThat(f.met()).isFalse();
        assertThat(SoakReport.render(settings(), f))
                .contains("  of which at start-up     1 (role changes plc-a +1, plc-b +1; 1 switchover event(s))");
        assertThat(SoakReport.render(settings(), figures(0, 0, List.of(), OptionalDouble.of(90))))
                .doesNotContain("start-up");
    }
}
