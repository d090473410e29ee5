package dev.failover.gateway.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.MirrorPolicy;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.PreferredRole;
import dev.failover.gateway.config.StatusNodes;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.config.TagConfig.TagType;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.failover.FailoverEvents;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.failover.Transition;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.testing.FakeTicker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mirror's cycle, one {@code cycle()} at a time on the test thread, over fake links and a fake
 * ticker: what is read, validated, written and reported, and above all what is never written (the
 * active, a controller reporting ACTIVE, anything during a switchover: safety rules 1 and 5).
 */
class StateMirrorTest {

    private static final String A = "plc-a";
    private static final String B = "plc-b";

    private static final TagConfig LEVEL =
            new TagConfig("level", 10, TagType.UINT16, 0.01, "%", 0, 100, false, List.of());
    // Setpoints the controllers' own program may change too: every valid change is mirrored (those only
    // the gateway may change are ChangeWatchTest's).
    private static final TagConfig LEVEL_SP = new TagConfig(
                    "level_setpoint", 20, TagType.UINT16, 0.01, "%", 0, 100, true, List.of("operator"))
            .changedBy(TagConfig.ChangedBy.PROGRAM);
    private static final TagConfig VALVE_SP = new TagConfig(
                    "valve_setpoint", 21, TagType.UINT16, 0.01, "%", 0, 100, true, List.of("operator"))
            .changedBy(TagConfig.ChangedBy.PROGRAM);
    private static final TagConfig TOTAL =
            new TagConfig("total", 30, TagType.UINT32, 1, "m3", 0, 1e6, true, List.of(), null, 10);

    private final FakeController plcA = new FakeController(A);
    private final FakeController plcB = new FakeController(B);
    private final FakeTicker ticker = new FakeTicker();
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    private final List<MirrorWrite> writes = new CopyOnWriteArrayList<>();
    private PairStatus status = status(PairState.PROTECTED, A, active(A), standby(B));

    private final StateMirror mirror = new StateMirror(
            pair(List.of(LEVEL, LEVEL_SP, VALVE_SP, TOTAL)),
            () -> status,
            id -> id.equals(A) ? plcA : plcB,
            ticker,
            Clock.fixed(Instant.parse("2026-11-21T08:00:00Z"), ZoneOffset.UTC),
            events::add);

    /** The failover controller's events, through the mirror's gate. */
    private final FailoverEvents failover = mirror.gate(FailoverEvents.NONE);

    @BeforeEach
    void pairIsProtectedAndBothControllersHoldTheDefaults() {
        mirror.onWrite(writes::add);
        stateChanged(PairState.PROTECTED);
        for (FakeController plc : List.of(plcA, plcB)) {
            plc.set("level_setpoint", 5000).set("valve_setpoint", 3000).set("total", 100);
        }
    }

    @Nested
    class Copying {

        @Test
        void onlyTheDifferingValuesAreWrittenInOneCallAndReadBack() {
            plcA.set("level_setpoint", 6500).set("valve_setpoint", 2000);

            cycleAfter(Duration.ofMillis(100));

            assertThat(plcA.reads()).containsExactly(List.of("level_setpoint", "valve_setpoint", "total"));
            assertThat(plcB.reads()).containsExactly(List.of("level_setpoint", "valve_setpoint", "total"));
            assertThat(plcB.writes()).containsExactly(Map.of("level_setpoint", 6500.0, "valve_setpoint", 2000.0));
            assertThat(plcB.get("level_setpoint")).isEqualTo(6500);
            assertThat(writes)
                    .containsExactly(
                            new MirrorWrite(A, B, Map.of("level_setpoint", 65.0, "valve_setpoint", 20.0), true));
            MirrorStatus s = mirror.status();
            assertThat(s.inSync()).isTrue();
            assertThat(s.lagMillis()).isZero();
            assertThat(s.lagCycles()).isZero();
            assertThat(s.valuesCopied()).isEqualTo(2);
            assertThat(s.activeId()).isEqualTo(A);
            assertThat(s.standbyId()).isEqualTo(B);
            assertThat(s.why()).isEmpty();
        }

        @Test
        void aStandbyInSyncIsReadButNotWritten() {
            cycleAfter(Duration.ofMillis(100));

            assertThat(plcB.writes()).isEmpty();
            assertThat(mirror.status().inSync()).isTrue();
            assertThat(types()).containsExactly("MIRROR_IN_SYNC");
        }

        @Test
        void theActiveIsNeverWritten() {
            plcB.set("level_setpoint", 1234);
            cycleAfter(Duration.ofMillis(100));
            status = status(PairState.UNPROTECTED, B, active(B), standby(A));
            stateChanged(PairState.UNPROTECTED);
            plcB.set("level_setpoint", 4321);
            cycleAfter(Duration.ofMillis(100));

            assertThat(plcA.writes()).containsExactly(Map.of("level_setpoint", 4321.0));
            assertThat(plcB.writes()).containsExactly(Map.of("level_setpoint", 5000.0));
            assertThat(writes).extracting(MirrorWrite::to).containsExactly(B, A);
        }

        @Test
        void anUnprotectedPairIsMirroredWhileTheStandbyIsReachable() {
            // For example a standby that recovers from a failure: it catches up before it could be promoted.
            Health recovering = new Health(
                    B, Condition.FAILED, true, RuntimeRole.STANDBY, RunStatus.RUN, true, 3, 1_000, 0, 0, 0, "", 0);
            status = status(PairState.UNPROTECTED, A, active(A), recovering);
            stateChanged(PairState.UNPROTECTED);
            plcA.set("level_setpoint", 7000);

            cycleAfter(Duration.ofMillis(100));

            assertThat(plcB.get("level_setpoint")).isEqualTo(7000);
        }

        @Test
        void whatTheStandbyHoldsAfterTheWriteIsCheckedAndAMismatchReportedOnce() {
            plcA.set("level_setpoint", 6500);
            plcB.keeps(v -> Math.min(v, 6000));

            cycleAfter(Duration.ofMillis(100));
            cycleAfter(Duration.ofMillis(100));

            assertThat(plcB.writes()).hasSize(2);
            assertThat(events("MIRROR_MISMATCH")).singleElement().satisfies(e -> {
                assertThat(e.controller()).isEqualTo(B);
                assertThat(e.fields())
                        .containsEntry("tag", "level_setpoint")
                        .containsEntry("wrote", 65.0)
                        .containsEntry("holds", 60.0);
                assertThat(e.message()).isEqualTo("plc-b holds 60 % of level_setpoint after the mirror wrote 65 %");
            });
            assertThat(mirror.status().inSync()).isFalse();
            assertThat(mirror.status().why()).isEqualTo("plc-b did not take level_setpoint");

            plcB.keeps(v -> v);
            cycleAfter(Duration.ofMillis(100));

            assertThat(types()).endsWith("MIRROR_MISMATCH_CLEARED", "MIRROR_IN_SYNC");
            assertThat(mirror.status().inSync()).isTrue();
        }

        @Test
        void aFailedWriteLeavesThePairOutOfSyncWithTheReason() {
            plcA.set("level_setpoint", 6500);
            plcB.failWrites(LinkResult.failed(LinkError.REJECTED, "level_setpoint: exception code 2"));

            cycleAfter(Duration.ofMillis(100));

            MirrorStatus s = mirror.status();
            assertThat(s.inSync()).isFalse();
            assertThat(s.why())
                    .isEqualTo("writing level_setpoint to plc-b failed: REJECTED: level_setpoint: exception code 2");
            assertThat(s.lastCycleAgeMillis()).isEqualTo(-1);
            assertThat(writes).singleElement().extracting(MirrorWrite::ok).isEqualTo(false);
        }
    }

    @Nested
    class Validation {

        @Test
        void aRejectedValueIsNotCopiedTheStandbyKeepsItsValueAndTheOthersAreStillCopied() {
            plcA.set("level_setpoint", 40960).set("valve_setpoint", 2500);

            cycleAfter(Duration.ofMillis(100));

            assertThat(plcB.writes()).containsExactly(Map.of("valve_setpoint", 2500.0));
            assertThat(plcB.get("level_setpoint")).isEqualTo(5000);
            MirrorStatus s = mirror.status();
            assertThat(s.rejected())
                    .containsExactly(Map.entry(
                            "level_setpoint", new Rejection(Rejection.Rule.BOUNDS, "409.6 % is above max 100 %")));
            assertThat(s.inSync())
                    .as("the standby differs from the active, on purpose")
                    .isFalse();
            assertThat(s.why()).isEqualTo("level_setpoint rejected (BOUNDS): 409.6 % is above max 100 %");
            assertThat(events("MIRROR_REJECTED")).singleElement().satisfies(e -> {
                assertThat(e.pair()).isEqualTo("tank-1");
                assertThat(e.controller()).isEqualTo(A);
                assertThat(e.fields())
                        .containsEntry("tag", "level_setpoint")
                        .containsEntry("value", 409.6)
                        .containsEntry("raw", 40960.0)
                        .containsEntry("rule", "BOUNDS")
                        .containsEntry("standby", B);
                assertThat(e.message())
                        .isEqualTo("value of level_setpoint on plc-a not mirrored (BOUNDS): 409.6 % is above max 100 %;"
                                + " plc-b keeps its last good value");
            });
        }

        @Test
        void theAlarmIsRaisedOncePerTagUntilTheValuePassesAndThenCleared() {
            plcA.set("level_setpoint", 40960);
            cycleAfter(Duration.ofMillis(100));
            plcA.set("level_setpoint", 50000);
            cycleAfter(Duration.ofMillis(100));
            cycleAfter(Duration.ofMillis(100));
            assertThat(events("MIRROR_REJECTED")).hasSize(1);
            assertThat(plcB.writes()).isEmpty();

            plcA.set("level_setpoint", 5000);
            cycleAfter(Duration.ofMillis(100));

            assertThat(events("MIRROR_REJECTION_CLEARED"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.fields())
                            .containsEntry("tag", "level_setpoint")
                            .containsEntry("value", 50.0)
                            .containsEntry("was", "BOUNDS"));
            assertThat(mirror.status().rejected()).isEmpty();
            assertThat(mirror.status().inSync()).isTrue();
        }

        @Test
        void aJumpFasterThanMaxRateIsRejectedAgainstTheLastAcceptedValue() {
            cycleAfter(Duration.ofMillis(100));
            plcA.set("total", 103);

            // 3 m3 in 0.1 s: 30 m3/s, above maxRate 10 m3/s.
            cycleAfter(Duration.ofMillis(100));

            assertThat(plcB.get("total")).isEqualTo(100);
            assertThat(mirror.status().rejected()).containsOnlyKeys("total");
            assertThat(mirror.status().rejected().get("total").rule()).isEqualTo(Rejection.Rule.RATE);

            // 3 m3 in 0.4 s since the last accepted value: 7.5 m3/s.
            cycleAfter(Duration.ofMillis(300));

            assertThat(plcB.get("total")).isEqualTo(103);
            assertThat(mirror.status().rejected()).isEmpty();
        }

        @Test
        void aSuspectActiveIsNotReadAtAll() {
            Health suspect = new Health(
                    A,
                    Condition.SUSPECT,
                    false,
                    RuntimeRole.ACTIVE,
                    RunStatus.RUN,
                    true,
                    3,
                    1_000,
                    0,
                    0,
                    1,
                    "TIMEOUT",
                    0);
            status = status(PairState.PROTECTED, A, suspect, standby(B));

            cycleAfter(Duration.ofMillis(100));

            assertThat(plcA.reads()).isEmpty();
            assertThat(plcB.reads()).isEmpty();
            assertThat(mirror.status().why())
                    .isEqualTo("active plc-a is not healthy (SUSPECT, unreachable, role ACTIVE, status RUN, TIMEOUT)");
        }
    }

    @Nested
    class NeverWritten {

        @Test
        void nothingIsReadOrWrittenWhileThePairIsSwitchingDiscoveringOrBlocked() {
            plcA.set("level_setpoint", 6500);
            for (PairState state : List.of(PairState.SWITCHING, PairState.DISCOVERING, PairState.BLOCKED)) {
                status = status(state, state == PairState.DISCOVERING ? null : A, active(A), standby(B));

                cycleAfter(Duration.ofMillis(100));
            }

            assertThat(plcA.reads()).isEmpty();
            assertThat(plcB.reads()).isEmpty();
            assertThat(plcB.writes()).isEmpty();
        }

        @Test
        void aStandbyThatReportsActiveIsNotWritten() {
            Health alsoActive = new Health(
                    B, Condition.HEALTHY, true, RuntimeRole.ACTIVE, RunStatus.RUN, true, 3, 1_000, 0, 0, 0, "", 0);
            status = status(PairState.PROTECTED, A, active(A), alsoActive);
            plcA.set("level_setpoint", 6500);

            cycleAfter(Duration.ofMillis(100));

            assertThat(plcB.writes()).isEmpty();
            assertThat(mirror.status().why())
                    .isEqualTo("standby plc-b is not writable (HEALTHY, reachable, role ACTIVE, status RUN)");
        }

        @Test
        void nothingIsWrittenBeforeThePairFirstReachesASteadyState() {
            StateMirror fresh = new StateMirror(
                    pair(List.of(LEVEL_SP)),
                    () -> status,
                    id -> id.equals(A) ? plcA : plcB,
                    ticker,
                    Clock.systemUTC(),
                    events::add);
            plcA.set("level_setpoint", 6500);

            fresh.cycle();

            assertThat(plcB.writes()).isEmpty();
            assertThat(fresh.status().why()).isEqualTo("pair is changing state");
        }

        @Test
        void aSwitchoverDecidedDuringTheCycleStopsItsWrite() {
            plcA.set("level_setpoint", 6500);
            // The failover controller decides while the cycle reads the standby.
            plcB.onRead(() -> stateChanged(PairState.SWITCHING));

            cycleAfter(Duration.ofMillis(100));

            assertThat(plcB.writes()).isEmpty();
            assertThat(mirror.status().why()).isEqualTo("pair changed state during the cycle: nothing written");
        }

        @Test
        void aChangeBetweenSteadyStatesAlsoStopsTheWriteOfACycleThatSawTheOldState() {
            plcA.set("level_setpoint", 6500);
            plcB.onRead(() -> stateChanged(PairState.UNPROTECTED));

            cycleAfter(Duration.ofMillis(100));

            assertThat(plcB.writes()).isEmpty();
            plcB.onRead(() -> {});
            cycleAfter(Duration.ofMillis(100));
            assertThat(plcB.writes()).hasSize(1);
        }

        @Test
        @Timeout(10)
        void aSwitchoverWaitsForTheWriteInFlightBeforeItsFirstStep() throws Exception {
            plcA.set("level_setpoint", 6500);
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            plcB.duringWrite(() -> {
                writing.countDown();
                awaitQuietly(release);
            });
            CompletableFuture<Void> cycle = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                mirror.cycle();
                cycle.complete(null);
            });
            assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> switching = new CompletableFuture<>();
            Thread decider = Thread.ofPlatform().start(() -> {
                stateChanged(PairState.SWITCHING);
                switching.complete(null);
            });

            // The failover controller's thread parks in the gate until the write ends.
            await().atMost(Duration.ofSeconds(5)).until(() -> decider.getState() == Thread.State.TIMED_WAITING);
            assertThat(switching).isNotDone();
            release.countDown();

            switching.get(5, TimeUnit.SECONDS);
            cycle.get(5, TimeUnit.SECONDS);
            assertThat(plcB.writes()).hasSize(1);
            mirror.cycle();
            assertThat(plcB.writes()).as("no write once the switchover began").hasSize(1);
        }
    }

    @Nested
    class Lag {

        @Test
        void lagIsZeroInSyncAndGrowsInTimeAndCyclesWhileTheStandbyIsDown() {
            cycleAfter(Duration.ofMillis(100));
            assertThat(mirror.status().lagMillis()).isZero();

            status = status(PairState.UNPROTECTED, A, active(A), down(B));
            stateChanged(PairState.UNPROTECTED);
            cycleAfter(Duration.ofMillis(100));
            assertThat(types()).containsExactly("MIRROR_IN_SYNC");
            cycleAfter(Duration.ofMillis(100));
            cycleAfter(Duration.ofMillis(100));
            ticker.advance(Duration.ofMillis(50));

            MirrorStatus behind = mirror.status();
            assertThat(behind.inSync()).isFalse();
            assertThat(behind.lagMillis()).isEqualTo(350);
            assertThat(behind.lagCycles()).isEqualTo(3);
            assertThat(behind.lastCycleAgeMillis()).isEqualTo(350);
            assertThat(behind.why()).startsWith("standby plc-b is not writable (FAILED, unreachable");
            assertThat(events("MIRROR_LAGGING"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.fields())
                            .containsEntry("lagMs", 200L)
                            .containsEntry("lagCycles", 2L)
                            .containsEntry("active", A)
                            .containsEntry("standby", B));

            plcA.set("level_setpoint", 7000);
            status = status(PairState.PROTECTED, A, active(A), standby(B));
            stateChanged(PairState.PROTECTED);
            cycleAfter(Duration.ofMillis(50));

            MirrorStatus back = mirror.status();
            assertThat(back.inSync()).isTrue();
            assertThat(back.lagMillis()).isZero();
            assertThat(back.lagCycles()).isZero();
            assertThat(back.cycles()).isEqualTo(5);
            assertThat(plcB.get("level_setpoint")).isEqualTo(7000);
            assertThat(events("MIRROR_IN_SYNC"))
                    .last()
                    .satisfies(e ->
                            assertThat(e.fields()).containsEntry("lagMs", 400L).containsEntry("lagCycles", 3L));
        }

        @Test
        void oneSkippedCycleIsNotLagWorthAnEvent() {
            cycleAfter(Duration.ofMillis(100));
            status = status(PairState.SWITCHING, A, active(A), standby(B));
            cycleAfter(Duration.ofMillis(100));
            status = status(PairState.PROTECTED, A, active(A), standby(B));
            cycleAfter(Duration.ofMillis(100));

            assertThat(types()).containsExactly("MIRROR_IN_SYNC");
        }

        @Test
        void beforeTheFirstMatchTheLagCountsFromTheStart() {
            status = status(PairState.UNPROTECTED, A, active(A), down(B));
            cycleAfter(Duration.ofMillis(100));
            ticker.advance(Duration.ofMillis(20));

            assertThat(mirror.status().lagMillis()).isEqualTo(120);
            assertThat(mirror.status().lastCycleAgeMillis()).isEqualTo(-1);
        }

        @Test
        void aPairWithoutMirroredTagsIsAlwaysInSyncAndStartsNoThread() {
            StateMirror none = new StateMirror(
                    pair(List.of(LEVEL)), () -> status, id -> plcA, ticker, Clock.systemUTC(), events::add);
            none.start();

            assertThat(none.status().inSync()).isTrue();
            assertThat(none.status().cycles()).isZero();
            assertThat(Thread.getAllStackTraces().keySet())
                    .noneMatch(t -> t.getName().equals("mirror-tank-1"));
            none.close();
        }
    }

    @Test
    @Timeout(10)
    void theThreadRunsACycleEveryPeriodUntilClosed() {
        StateMirror running = new StateMirror(
                pair(List.of(LEVEL_SP)),
                () -> status,
                id -> id.equals(A) ? plcA : plcB,
                System::nanoTime,
                Clock.systemUTC(),
                e -> {});
        running.gate(FailoverEvents.NONE)
                .transition(new Transition(0, PairState.DISCOVERING, PairState.PROTECTED, A, ""));
        plcA.set("level_setpoint", 6500);

        running.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> running.status().cycles() >= 3);
        } finally {
            running.close();
        }

        assertThat(plcB.get("level_setpoint")).isEqualTo(6500);
        assertThat(running.period()).isEqualTo(Duration.ofMillis(100));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private void cycleAfter(Duration d) {
        ticker.advance(d);
        mirror.cycle();
    }

    private void stateChanged(PairState to) {
        failover.transition(new Transition(ticker.nanos(), PairState.PROTECTED, to, A, "test"));
    }

    private List<String> types() {
        return events.stream().map(GatewayEvent::type).toList();
    }

    private List<GatewayEvent> events(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static PairConfig pair(List<TagConfig> tags) {
        return new PairConfig(
                "tank-1",
                List.of(
                        new ControllerConfig(A, PreferredRole.PRIMARY, new ModbusEndpoint("127.0.0.1", 5020, 1), null),
                        new ControllerConfig(B, PreferredRole.STANDBY, new ModbusEndpoint("127.0.0.1", 5030, 1), null)),
                StatusRegisters.defaults(),
                StatusNodes.defaults(),
                tags,
                FailoverPolicy.defaults(),
                new MirrorPolicy(Duration.ofMillis(100)),
                null);
    }

    static Health active(String id) {
        return new Health(
                id, Condition.HEALTHY, true, RuntimeRole.ACTIVE, RunStatus.RUN, true, 3, 1_000, 0, 0, 0, "", 0);
    }

    static Health standby(String id) {
        return new Health(
                id, Condition.HEALTHY, true, RuntimeRole.STANDBY, RunStatus.RUN, true, 3, 1_000, 0, 0, 0, "", 0);
    }

    private static Health down(String id) {
        return new Health(
                id,
                Condition.FAILED,
                false,
                RuntimeRole.STANDBY,
                RunStatus.RUN,
                true,
                3,
                -1,
                0,
                0,
                5,
                "UNREACHABLE",
                0);
    }

    static PairStatus status(PairState state, String active, Health first, Health second) {
        return new PairStatus(
                state,
                active,
                Map.of(first.controllerId(), first, second.controllerId(), second),
                Map.of(),
                Set.of(),
                null,
                0,
                0,
                List.of());
    }
}
