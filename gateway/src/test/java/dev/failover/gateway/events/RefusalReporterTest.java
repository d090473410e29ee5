package dev.failover.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
                        RefusalReporter.CONTROL_REFUSED,
                        "NO_CERTIFICATE",
                        "control endpoint refused 127.0.0.1:" + (40_000 + i) + ": no certificate",
                        Map.of("peer", "127.0.0.1:" + (40_000 + i)));
            }
            assertThat(published.getFirst().fields())
                    .containsEntry("reason", "NO_CERTIFICATE")
                    .containsEntry("peer", "127.0.0.1:40000");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> total(published, RefusalReporter.CONTROL_REFUSED, "NO_CERTIFICATE") == 50);

            assertThat(reporter.counts())
                    .isEqualTo(Map.of(RefusalReporter.CONTROL_REFUSED, Map.of("NO_CERTIFICATE", 50L)));
        }
    }

    @Test
    void kindsAreCountedApartAndCloseReportsWhatIsStillBeingCounted() {
        RefusalReporter reporter = new RefusalReporter(published::add, Clock.systemUTC(), Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            reporter.refused(RefusalReporter.SCADA_SESSION_REFUSED, "ANONYMOUS_NOT_ALLOWED", "anonymous", Map.of());
            reporter.refused(RefusalReporter.SCADA_CLIENT_REJECTED, "UNKNOWN_CA", "rogue", Map.of());
        }
        assertThat(published)
                .extracting(GatewayEvent::type)
                .containsExactly(RefusalReporter.SCADA_SESSION_REFUSED, RefusalReporter.SCADA_CLIENT_REJECTED);

        reporter.close();

        assertThat(total(published, RefusalReporter.SCADA_SESSION_REFUSED, "ANONYMOUS_NOT_ALLOWED"))
                .isEqualTo(3);
        assertThat(total(published, RefusalReporter.SCADA_CLIENT_REJECTED, "UNKNOWN_CA"))
                .isEqualTo(3);
    }

    @Test
    void onlyRefusalTypesAreTaken() {
        try (RefusalReporter reporter = new RefusalReporter(published::add, Clock.systemUTC(), Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> reporter.refused("PAIR_STATE", "X", "not a refusal", Map.of()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
