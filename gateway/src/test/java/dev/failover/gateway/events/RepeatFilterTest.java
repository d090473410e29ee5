package dev.failover.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A pair that retries a failing step every few milliseconds must not flood the event log (issue 9),
 * and neither may a flood of refused connections at one of the gateway's doors (issue 11).
 */
class RepeatFilterTest {

    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");
    private static final Set<Class<? extends EventDetail>> RETRIED = Set.of(
            PairDetail.PairState.class,
            PairDetail.StepDone.class,
            PairDetail.StepFailed.class,
            PairDetail.SwitchoverFailed.class);
    private static final Set<Class<? extends EventDetail>> RESOLVING =
            Set.of(PairDetail.SwitchoverCompleted.class, PairDetail.AlarmCleared.class);

    private static RepeatFilter retries() {
        return RepeatFilter.identicalRepeats(Duration.ofMinutes(1), RETRIED, RESOLVING);
    }

    private static GatewayEvent event(long atMillis, String type, String message) {
        EventDetail detail = switch (type) {
            case "STEP_FAILED" -> new PairDetail.StepFailed("Fence");
            case "SWITCHOVER_FAILED" -> new PairDetail.SwitchoverFailed("FAILOVER", "plc-a", "plc-b", null, "x", 1);
            case "SWITCHOVER_COMPLETED" ->
                new PairDetail.SwitchoverCompleted(
                        "FAILOVER", "plc-a", "plc-b", null, 60.0, null, 10.0, 70.0, null, "fenced", 2);
            case "CONTROLLER_HEALTH" -> new PairDetail.ControllerHealth("SUSPECT", "HEALTHY", "STANDBY", "RUN");
            default -> throw new IllegalArgumentException(type);
        };
        return new GatewayEvent(T0.plusMillis(atMillis), "tank-1", "plc-a", message, detail);
    }

    private static GatewayEvent refusal(long atMillis, String reason, String peer) {
        return new GatewayEvent(
                T0.plusMillis(atMillis),
                "",
                "",
                "refused " + peer + ": " + reason,
                new SecurityDetail.ControlRefused(reason, peer, null, null, null));
    }

    @Test
    void aMinuteOfRetriesEveryEightyMillisecondsGivesTheFirstEventsAndOneSummaryEach() {
        RepeatFilter filter = retries();
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
        RepeatFilter filter = retries();
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
        RepeatFilter filter = retries();
        filter.admit(event(0, "SWITCHOVER_FAILED", "x"));
        filter.admit(event(100, "SWITCHOVER_FAILED", "x"));
        filter.admit(event(200, "SWITCHOVER_FAILED", "x"));

        List<GatewayEvent> out = filter.admit(event(300, "SWITCHOVER_COMPLETED", "done"));

        assertThat(out).extracting(GatewayEvent::type).containsExactly("EVENTS_REPEATED", "SWITCHOVER_COMPLETED");
        assertThat(out.getFirst().fields()).containsEntry("repeats", 2);
        assertThat(filter.drain()).isEmpty();
    }

    @Test
    void refusalsOfOneReasonFromManyPeersAreOneKindAndTheSummaryCarriesTheReason() {
        RepeatFilter filter =
                RepeatFilter.byReason(Duration.ofSeconds(10), Set.of(SecurityDetail.ControlRefused.class));
        List<GatewayEvent> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            out.addAll(filter.admit(refusal(i, "UNKNOWN_CA", "127.0.0.1:" + (40_000 + i))));
        }
        out.addAll(filter.admit(refusal(300, "NO_CERTIFICATE", "127.0.0.1:50000")));
        out.addAll(filter.drain());

        assertThat(out)
                .extracting(GatewayEvent::type)
                .containsExactly("CONTROL_REFUSED", "CONTROL_REFUSED", "EVENTS_REPEATED");
        assertThat(out.get(2).fields())
                .containsEntry("repeatedType", "CONTROL_REFUSED")
                .containsEntry("reason", "UNKNOWN_CA")
                .containsEntry("repeats", 199);
        assertThat(out.get(2).message()).endsWith("refused 127.0.0.1:40199: UNKNOWN_CA");
    }

    @Test
    void aWallClockSteppedBackEndsTheWindowInsteadOfSilencingTheFlood() {
        RepeatFilter filter =
                RepeatFilter.byReason(Duration.ofSeconds(10), Set.of(SecurityDetail.ControlRefused.class));
        List<GatewayEvent> out = new ArrayList<>(filter.admit(refusal(0, "HANDSHAKE_TIMEOUT", "127.0.0.1:1")));
        out.addAll(filter.admit(refusal(100, "HANDSHAKE_TIMEOUT", "127.0.0.1:2")));

        // NTP steps the clock back an hour: the open window is summarised at the next tick.
        out.addAll(filter.expire(T0.minusSeconds(3600)));
        out.addAll(filter.admit(refusal(-3_599_000, "HANDSHAKE_TIMEOUT", "127.0.0.1:3")));

        assertThat(out).extracting(GatewayEvent::type).containsExactly("CONTROL_REFUSED", "EVENTS_REPEATED");
        assertThat(out.get(1).fields()).containsEntry("repeats", 1);
        assertThat(filter.expire(T0.minusSeconds(3580)))
                .as("the refusal after the step counts in a window of the new time")
                .singleElement()
                .extracting(e -> e.fields().get("repeats"))
                .isEqualTo(1);
    }

    @Test
    void aSteadyFloodGivesOneSummaryPerWindowAndAQuietKindPassesAtOnceAgain() {
        RepeatFilter filter =
                RepeatFilter.byReason(Duration.ofSeconds(10), Set.of(SecurityDetail.ControlRefused.class));
        List<GatewayEvent> out = new ArrayList<>();
        // 30 s of 10 refusals a second, the windows ended by the timer every second.
        for (long t = 0; t < 30_000; t += 100) {
            if (t % 1000 == 0) {
                out.addAll(filter.expire(T0.plusMillis(t)));
            }
            out.addAll(filter.admit(refusal(t, "HANDSHAKE_TIMEOUT", "127.0.0.1:1")));
        }
        out.addAll(filter.expire(T0.plusMillis(30_000)));
        // A window without repeats forgets the kind: the next refusal is reported at once.
        assertThat(filter.expire(T0.plusMillis(40_000))).isEmpty();
        out.addAll(filter.admit(refusal(40_001, "HANDSHAKE_TIMEOUT", "127.0.0.1:2")));

        assertThat(out)
                .extracting(GatewayEvent::type)
                .containsExactly(
                        "CONTROL_REFUSED", "EVENTS_REPEATED", "EVENTS_REPEATED", "EVENTS_REPEATED", "CONTROL_REFUSED");
        int total = 1
                + out.stream()
                        .filter(e -> e.type().equals("EVENTS_REPEATED"))
                        .mapToInt(e -> (Integer) e.fields().get("repeats"))
                        .sum();
        assertThat(total).isEqualTo(300);
    }
}
