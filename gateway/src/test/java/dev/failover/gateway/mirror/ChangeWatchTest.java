package dev.failover.gateway.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.config.TagConfig.TagType;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.MirrorDetail;
import dev.failover.gateway.failover.FailoverEvents;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.failover.Transition;
import dev.failover.gateway.testing.FakeTicker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replication never spreads a change nobody authorised (issue 13, part B): a setpoint only the
 * gateway may change, changed on the active past the gateway, is held back from the standby (which
 * keeps the last authorised value) and raised; a signed write (journaled before it reaches the
 * active) passes; a value the controller's program may change is mirrored as before.
 */
class ChangeWatchTest {

    private static final String A = "plc-a";
    private static final String B = "plc-b";

    /** Only the gateway writes it (the default for a tag operators write). */
    private static final TagConfig LEVEL_SP =
            new TagConfig("level_setpoint", 20, TagType.UINT16, 0.01, "%", 0, 100, true, List.of("operator"));
    /** The program may change it too. */
    private static final TagConfig TRIM = new TagConfig(
                    "trim", 21, TagType.UINT16, 0.01, "%", 0, 100, true, List.of("operator"))
            .changedBy(TagConfig.ChangedBy.PROGRAM);

    private final FakeController plcA = new FakeController(A);
    private final FakeController plcB = new FakeController(B);
    private final FakeTicker ticker = new FakeTicker();
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, Explained> journal = new HashMap<>();
    private PairStatus status =
            StateMirrorTest.status(PairState.PROTECTED, A, StateMirrorTest.active(A), StateMirrorTest.standby(B));

    private final StateMirror mirror = new StateMirror(
            StateMirrorTest.pair(List.of(LEVEL_SP, TRIM)),
            () -> status,
            id -> id.equals(A) ? plcA : plcB,
            ticker,
            Clock.fixed(Instant.parse("2026-12-07T08:00:00Z"), ZoneOffset.UTC),
            events::add);

    @BeforeEach
    void bothHoldTheAcknowledgedSetpoint() {
        mirror.explainWith(() -> Map.copyOf(journal));
        mirror.gate(FailoverEvents.NONE)
                .transition(new Transition(ticker.nanos(), PairState.DISCOVERING, PairState.PROTECTED, A, "test"));
        journal.put("level_setpoint", new Explained(5000.0, Set.of()));
        for (FakeController plc : List.of(plcA, plcB)) {
            plc.set("level_setpoint", 5000).set("trim", 1000);
        }
        cycle();
    }

    private void cycle() {
        ticker.advance(Duration.ofMillis(100));
        mirror.cycle();
    }

    private List<MirrorDetail.UnauthorisedChange> raised() {
        return events.stream()
                .map(GatewayEvent::detail)
                .filter(MirrorDetail.UnauthorisedChange.class::isInstance)
                .map(MirrorDetail.UnauthorisedChange.class::cast)
                .toList();
    }

    @Test
    void aSetpointWrittenPastTheGatewayIsHeldBackAndRaisedWithBothValues() {
        plcA.set("level_setpoint", 9500);

        cycle();
        assertThat(plcB.get("level_setpoint"))
                .as("held back from the first sight")
                .isEqualTo(5000);
        assertThat(raised()).as("raised only once seen twice").isEmpty();
        cycle();

        assertThat(plcB.writes()).isEmpty();
        assertThat(raised()).singleElement().satisfies(alarm -> {
            assertThat(alarm.tag()).isEqualTo("level_setpoint");
            assertThat(alarm.authorised()).isEqualTo(50.0);
            assertThat(alarm.found()).isEqualTo(95.0);
            assertThat(alarm.active()).isEqualTo(A);
            assertThat(alarm.standby()).isEqualTo(B);
            assertThat(alarm.technique()).isEqualTo("T0836");
        });
        MirrorStatus s = mirror.status();
        assertThat(s.inSync()).isFalse();
        assertThat(s.unauthorised()).containsOnlyKeys("level_setpoint");
        assertThat(s.unauthorised().get("level_setpoint"))
                .contains("holds 95 %")
                .contains("keeps 50 %");

        cycle();
        assertThat(raised()).as("raised once while it lasts").hasSize(1);
    }

    @Test
    void theStandbyIsPutBackOnTheAuthorisedValue() {
        plcA.set("level_setpoint", 9500);
        plcB.set("level_setpoint", 9500);

        cycle();

        assertThat(plcB.get("level_setpoint")).isEqualTo(5000);
    }

    @Test
    void aSignedWriteInProgressOrAcknowledgedPassesAndIsMirrored() {
        journal.put("level_setpoint", new Explained(5000.0, Set.of(6500.0)));
        plcA.set("level_setpoint", 6500);
        cycle();
        assertThat(plcB.get("level_setpoint")).isEqualTo(6500);

        journal.put("level_setpoint", new Explained(6500.0, Set.of()));
        cycle();
        cycle();

        assertThat(raised()).isEmpty();
        assertThat(mirror.status().inSync()).isTrue();
    }

    @Test
    void aSignedWriteAcceptsTheChangeOrRevertsItAndClearsTheAlarm() {
        plcA.set("level_setpoint", 9500);
        cycle();
        cycle();
        assertThat(raised()).hasSize(1);

        // The operator reverts it: the gateway journals 50 % and writes it to the active.
        journal.put("level_setpoint", new Explained(5000.0, Set.of()));
        plcA.set("level_setpoint", 5000);
        cycle();

        assertThat(events)
                .extracting(GatewayEvent::detail)
                .filteredOn(MirrorDetail.UnauthorisedChangeCleared.class::isInstance)
                .singleElement()
                .satisfies(d -> assertThat(((MirrorDetail.UnauthorisedChangeCleared) d).value())
                        .isEqualTo(50.0));
        assertThat(mirror.status().unauthorised()).isEmpty();
        assertThat(mirror.status().inSync()).isTrue();
    }

    @Test
    void aValueTheProgramMayChangeIsMirroredAsBefore() {
        plcA.set("trim", 1500);

        cycle();
        cycle();

        assertThat(plcB.get("trim")).isEqualTo(1500);
        assertThat(raised()).isEmpty();
    }

    @Test
    void withoutAJournalTheFirstValueSeenIsTheAuthorisedOne() {
        journal.clear();
        StateMirror fresh = new StateMirror(
                StateMirrorTest.pair(List.of(LEVEL_SP)),
                () -> status,
                id -> id.equals(A) ? plcA : plcB,
                ticker,
                Clock.systemUTC(),
                events::add);
        fresh.gate(FailoverEvents.NONE)
                .transition(new Transition(ticker.nanos(), PairState.DISCOVERING, PairState.PROTECTED, A, "test"));
        plcA.set("level_setpoint", 4000);
        fresh.cycle();
        assertThat(plcB.get("level_setpoint")).isEqualTo(4000);

        plcA.set("level_setpoint", 9000);
        fresh.cycle();
        fresh.cycle();

        assertThat(plcB.get("level_setpoint")).isEqualTo(4000);
        assertThat(raised())
                .singleElement()
                .satisfies(alarm -> assertThat(alarm.authorised()).isEqualTo(40.0));
    }
}
