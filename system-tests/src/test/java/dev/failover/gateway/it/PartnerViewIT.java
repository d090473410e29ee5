package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.link.PartnerView;
import dev.failover.testkit.SimPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, item 3: the controllers of a plc-sim pair watch each other over their shared plant (the
 * partner link), and the gateway reads what each says of the other. A cut partner link is an event,
 * not a failover; a controller whose heartbeat freezes is convicted with its partner's corroboration;
 * a controller whose communication hangs while it still scans is failed over all the same, and the
 * reason says its partner still sees it.
 */
@Timeout(60)
class PartnerViewIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    private SimPair pair;

    @BeforeEach
    void start() throws Exception {
        pair = SimPair.start(FailoverPolicy.defaults().withHoldDown(Duration.ofMillis(100)), true, events::add);
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
        await().atMost(WAIT)
                .until(() -> pair.supervisor().partnerView(SimPair.A) == PartnerView.ALIVE
                        && pair.supervisor().partnerView(SimPair.B) == PartnerView.ALIVE);
    }

    @AfterEach
    void stop() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void aCutPartnerLinkIsAnEventAndNoFailover() {
        pair.plc(SimPair.B).faults().cutPartnerLink();

        await().atMost(WAIT).until(() -> partnerLinkEvent(SimPair.B, "LOST"));
        assertThat(pair.supervisor().partnerView(SimPair.B)).isEqualTo(PartnerView.LOST);
        assertThat(pair.supervisor().partnerView(SimPair.A)).isEqualTo(PartnerView.ALIVE);
        assertThat(pair.status().activeId()).isEqualTo(SimPair.A);
        assertThat(pair.status().switchovers()).isZero();

        pair.plc(SimPair.B).faults().restorePartnerLink();
        await().atMost(WAIT).until(() -> partnerLinkEvent(SimPair.B, "ALIVE"));
        assertThat(pair.protectedWith(SimPair.A)).isTrue();
    }

    @Test
    void aFrozenHeartbeatIsConvictedWithThePartnersCorroboration() {
        pair.plc(SimPair.A).faults().freezeHeartbeat();

        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        await().atMost(WAIT)
                .until(
                        () -> pair.status().health().get(SimPair.A).reason(),
                        r -> r.contains("corroborated: its partner has lost it on the partner link"));
    }

    @Test
    void aHungActiveThatStillScansIsFailedOverAndTheReasonSaysSo() {
        pair.plc(SimPair.A).faults().hang();

        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        assertThat(events).as("the health events of the hung controller").anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("CONTROLLER_HEALTH");
            assertThat(e.controller()).isEqualTo(SimPair.A);
            assertThat(e.message()).contains("still sees it alive on the partner link");
        });
    }

    private boolean partnerLinkEvent(String controller, String to) {
        return events.stream()
                .anyMatch(e -> e.type().equals("PARTNER_LINK")
                        && e.controller().equals(controller)
                        && to.equals(String.valueOf(e.fields().get("to"))));
    }
}
