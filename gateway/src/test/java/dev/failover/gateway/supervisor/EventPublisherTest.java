package dev.failover.gateway.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.failover.SwitchoverKind;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.failover.SwitchoverReport.OldActive;
import dev.failover.gateway.failover.SwitchoverReport.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A switchover's event says what status says of it: the same figures, in the same order. */
class EventPublisherTest {

    private final List<GatewayEvent> events = new ArrayList<>();
    private final List<SwitchoverReport> reports = new ArrayList<>();
    private final EventPublisher publisher = new EventPublisher(
            "tank-1", Clock.fixed(Instant.parse("2026-12-07T08:00:00Z"), ZoneOffset.UTC), events::add, reports::add);

    private static Map<String, Object> expected(SwitchoverReport r) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("kind", r.kind().name());
        if (r.from() != null) {
            fields.put("from", r.from());
        }
        fields.put("to", r.to());
        if (r.requestId() != null) {
            fields.put("requestId", r.requestId());
        }
        fields.putAll(r.figures());
        return fields;
    }

    @Test
    void aCompletedFailoverCarriesTheFiguresStatusShows() {
        SwitchoverReport failover = new SwitchoverReport(
                SwitchoverKind.FAILOVER,
                "plc-a",
                "plc-b",
                "plc-a failed: TIMEOUT",
                Outcome.COMPLETED,
                "",
                null,
                1_000_000_000L,
                990_000_000L,
                1_061_304_000L,
                1_073_219_000L,
                OldActive.FENCED,
                2);

        publisher.switchover(failover);

        GatewayEvent event = events.getFirst();
        assertThat(event.detail()).isInstanceOf(PairDetail.SwitchoverCompleted.class);
        assertThat(event.controller()).isEqualTo("plc-b");
        assertThat(event.fields()).containsExactlyEntriesOf(expected(failover));
        assertThat(event.fields()).containsEntry("detectionMs", 61.3).containsEntry("oldActive", "fenced");
        assertThat(reports).containsExactly(failover);
    }

    @Test
    void aTakeoverAtStartSaysWhyItsFiguresAreUnknown() {
        SwitchoverReport takeover = new SwitchoverReport(
                SwitchoverKind.TAKE_CONTROL,
                null,
                "plc-a",
                "no active at start",
                Outcome.COMPLETED,
                "",
                "req-7",
                Long.MIN_VALUE,
                Long.MIN_VALUE,
                5_000_000L,
                9_000_000L,
                OldActive.NONE,
                1);

        publisher.switchover(takeover);

        assertThat(events.getFirst().fields())
                .containsExactlyEntriesOf(expected(takeover))
                .containsKeys("detectionUnknown", "rtoUnknown")
                .doesNotContainKeys("from", "detectionMs", "rtoMs");
    }

    @Test
    void aFailedSwitchoverCountsItsAttemptsARefusedOneHasNone() {
        SwitchoverReport failed = new SwitchoverReport(
                SwitchoverKind.MANUAL,
                "plc-a",
                "plc-b",
                "maintenance",
                Outcome.FAILED,
                "promote refused",
                "req-1",
                Long.MIN_VALUE,
                Long.MIN_VALUE,
                0L,
                1_000_000L,
                OldActive.DEMOTED,
                3);
        SwitchoverReport refused = new SwitchoverReport(
                SwitchoverKind.MANUAL,
                "plc-a",
                "plc-b",
                "maintenance",
                Outcome.REFUSED,
                "standby not ready",
                "req-2",
                Long.MIN_VALUE,
                Long.MIN_VALUE,
                0L,
                0L,
                OldActive.NONE,
                1);

        publisher.switchover(failed);
        publisher.switchover(refused);

        assertThat(events).extracting(GatewayEvent::type).containsExactly("SWITCHOVER_FAILED", "SWITCHOVER_REFUSED");
        assertThat(events.get(0).fields())
                .containsEntry("failure", "promote refused")
                .containsEntry("attempts", 3);
        assertThat(events.get(1).fields())
                .containsEntry("failure", "standby not ready")
                .doesNotContainKey("attempts");
    }
}
