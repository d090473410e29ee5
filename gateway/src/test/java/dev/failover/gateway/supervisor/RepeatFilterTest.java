package dev.failover.gateway.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.events.GatewayEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pair that retries a failing step every few milliseconds must not flood the event log (issue 9). */
class RepeatFilterTest {

    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

    private static GatewayEvent event(long atMillis, String type, String message) {
        return new GatewayEvent(T0.plusMillis(atMillis), type, "tank-1", "plc-a", message, Map.of());
    }

    @Test
    void aMinuteOfRetriesEveryEightyMillisecondsGivesTheFirstEventsAndOneSummaryEach() {
        RepeatFilter filter = new RepeatFilter(Duration.ofMinutes(1));
        List<GatewayEvent> out = new ArrayList<>();
        for (long t = 0; t < 60_000; t += 80) {
            out.addAll(filter.admit(event(t, "STEP_FAILED", "fence: relay unreachable")));
            out.addAll(filter.admit(event(t + 1, "SWITCHOVER_FAILED", "plc-a failed: TIMEOUT")));
        }
        out.addAll(filter.admit(event(61_000, "STEP_FAILED", "fence: relay unreachable")));

        assertThat(out)
                .extracting(GatewayEvent::type)
                .containsExactly("STEP_FAILED", "SWITCHOVER_FAILED", "EVENTS_REPEATED", "STEP_FAILED");
        assertThat(out.get(2).fields()).containsEntry("repeats", 749).containsEntry("repeatedType", "STEP_FAILED");
    }

    @Test
    void aDifferentEventAlwaysPasses() {
        RepeatFilter filter = new RepeatFilter(Duration.ofMinutes(1));
        assertThat(filter.admit(event(0, "STEP_FAILED", "fence: relay unreachable")))
                .hasSize(1);
        assertThat(filter.admit(event(1, "STEP_FAILED", "fence: relay refused")))
                .hasSize(1);
        assertThat(filter.admit(event(2, "CONTROLLER_HEALTH", "controller healthy")))
                .hasSize(1);
        assertThat(filter.admit(event(3, "CONTROLLER_HEALTH", "controller healthy")))
                .hasSize(1);
    }

    @Test
    void aCompletedSwitchoverReportsTheRepeatsBeforeItself() {
        RepeatFilter filter = new RepeatFilter(Duration.ofMinutes(1));
        filter.admit(event(0, "SWITCHOVER_FAILED", "x"));
        filter.admit(event(100, "SWITCHOVER_FAILED", "x"));
        filter.admit(event(200, "SWITCHOVER_FAILED", "x"));

        List<GatewayEvent> out = filter.admit(event(300, "SWITCHOVER_COMPLETED", "done"));

        assertThat(out).extracting(GatewayEvent::type).containsExactly("EVENTS_REPEATED", "SWITCHOVER_COMPLETED");
        assertThat(out.getFirst().fields()).containsEntry("repeats", 2);
        assertThat(filter.drain()).isEmpty();
    }
}
