package dev.failover.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Refusals at the gateway's doors are events, a flood of them a bounded number (issue 11). */
class RefusalReporterTest {

    private final List<GatewayEvent> published = new CopyOnWriteArrayList<>();

    private static int total(List<GatewayEvent> events, String type, String reason) {
        int first = (int) events.stream()
                .filter(e -> e.type().equals(type) && reason.equals(e.fields().get("reason")))
                .count();
        int repeats = events.stream()
                .filter(e -> e.type().equals("EVENTS_REPEATED")
                        && type.equals(e.fields().get("repeatedType"))
                        && reason.equals(e.fields().get("reason")))
                .mapToInt(e -> (Integer) e.fields().get("repeats"))
                .sum();
        return first + repeats;
    }

    @Test
    void theSummaryOfAFloodComesWhenTheIntervalEndsWithoutWaitingForAnotherRefusal() {
        try (RefusalReporter reporter =
                new RefusalReporter(published::add, Clock.systemUTC(), Duration.ofMillis(200))) {
            for (int i = 0; i < 50; i++) {
                reporter.refused(
                        new SecurityDetail.ControlRefused(
                                "NO_CERTIFICATE", "127.0.0.1:" + (40_000 + i), null, null, null),
                        "control endpoint refused 127.0.0.1:" + (40_000 + i) + ": no certificate");
            }
            assertThat(published.getFirst().fields())
                    .containsEntry("reason", "NO_CERTIFICATE")
                    .containsEntry("peer", "127.0.0.1:40000");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> total(published, "CONTROL_REFUSED", "NO_CERTIFICATE") == 50);

            assertThat(reporter.counts()).isEqualTo(Map.of("CONTROL_REFUSED", Map.of("NO_CERTIFICATE", 50L)));
        }
    }

    @Test
    void kindsAreCountedApartAndCloseReportsWhatIsStillBeingCounted() {
        RefusalReporter reporter = new RefusalReporter(published::add, Clock.systemUTC(), Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            reporter.refused(
                    new SecurityDetail.ScadaSessionRefused(
                            "ANONYMOUS_NOT_ALLOWED",
                            "127.0.0.1",
                            null,
                            null,
                            "Bad_IdentityTokenInvalid",
                            "Anonymous",
                            null,
                            null,
                            null),
                    "anonymous");
            reporter.refused(
                    new SecurityDetail.ScadaClientRejected(
                            "UNKNOWN_CA", "CN=rogue", "CN=rogue CA", "ab12", null, "Bad_SecurityChecksFailed", null),
                    "rogue");
        }
        assertThat(published)
                .extracting(GatewayEvent::type)
                .containsExactly("SCADA_SESSION_REFUSED", "SCADA_CLIENT_REJECTED");

        reporter.close();

        assertThat(total(published, "SCADA_SESSION_REFUSED", "ANONYMOUS_NOT_ALLOWED"))
                .isEqualTo(3);
        assertThat(total(published, "SCADA_CLIENT_REJECTED", "UNKNOWN_CA")).isEqualTo(3);
    }

    @Test
    void aRefusalIsWrittenReasonFirstAndLeavesOutWhatItDoesNotKnow() {
        try (RefusalReporter reporter = new RefusalReporter(published::add, Clock.systemUTC(), Duration.ofSeconds(1))) {
            reporter.refused(
                    new SecurityDetail.ControlRefused("OVERSIZED", "127.0.0.1:40000", "CN=op", 70_000L, 65_536),
                    "too large");
            reporter.refused(
                    new SecurityDetail.ControlRefused("NO_CERTIFICATE", "127.0.0.1:40001", null, null, null),
                    "no certificate");
        }
        assertThat(published.get(0).fields())
                .containsExactly(
                        Map.entry("reason", "OVERSIZED"),
                        Map.entry("peer", "127.0.0.1:40000"),
                        Map.entry("subject", "CN=op"),
                        Map.entry("size", 70_000L),
                        Map.entry("limit", 65_536));
        assertThat(published.get(1).fields())
                .containsExactly(Map.entry("reason", "NO_CERTIFICATE"), Map.entry("peer", "127.0.0.1:40001"));
    }
}
