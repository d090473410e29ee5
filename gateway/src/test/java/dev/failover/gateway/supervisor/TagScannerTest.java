package dev.failover.gateway.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.config.TagConfig.TagType;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import dev.failover.gateway.supervisor.TagImage.Quality;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The tag scanner's decisions, one {@code scan()} at a time on the test thread: read the active only
 * when it can take commands, keep the last values (LAST_USABLE, with the reason) otherwise, and never
 * read the standby, whose values are not the process's.
 */
class TagScannerTest {

    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    private final TagConfig level = new TagConfig("level", 10, TagType.UINT16, 0.01, "%", 0, 100, false, List.of());
    private final TagConfig flow = new TagConfig("flow", 11, TagType.FLOAT32, 2.5, "m3/h", -1e9, 1e9, false, List.of());

    private final FakeLink plcA = new FakeLink("plc-a");
    private final FakeLink plcB = new FakeLink("plc-b");
    private final MovableClock clock = new MovableClock(T0);
    private PairStatus status = status(PairState.PROTECTED, "plc-a", healthy("plc-a"));

    private final TagScanner scanner = new TagScanner(
            "tank-1",
            List.of(level, flow),
            () -> status,
            id -> id.equals("plc-a") ? plcA : plcB,
            Duration.ofMillis(20),
            clock);

    @Test
    void everyTagIsNoDataBeforeTheFirstScan() {
        assertThat(scanner.image().values()).containsOnlyKeys("level", "flow");
        assertThat(scanner.image().values().values()).allSatisfy(v -> {
            assertThat(v.quality()).isEqualTo(Quality.NO_DATA);
            assertThat(v.engineering()).isNaN();
            assertThat(v.sourceTime()).isNull();
            assertThat(v.controllerId()).isEmpty();
            assertThat(v.why()).isEqualTo("not read yet");
        });
        assertThat(plcA.reads).isEmpty();
    }

    @Test
    void readsTheActivesTagsScaledWithTheClocksTime() {
        plcA.next = LinkResult.ok(new double[] {5550, 4.0}, 1_000);

        scanner.scan();

        assertThat(plcA.reads).containsExactly(List.of(level, flow));
        assertThat(scanner.image().values())
                .containsExactly(
                        Map.entry("level", new TagImage.Value(55.5, Quality.GOOD, T0, "plc-a", "")),
                        Map.entry("flow", new TagImage.Value(10.0, Quality.GOOD, T0, "plc-a", "")));

        clock.advance(Duration.ofMillis(20));
        plcA.next = LinkResult.ok(new double[] {5560, 4.0}, 1_000);
        scanner.scan();

        assertThat(scanner.image().values().get("level"))
                .isEqualTo(new TagImage.Value(55.6, Quality.GOOD, T0.plusMillis(20), "plc-a", ""));
    }

    @Test
    void scansRunOnlyOnceSomeoneListens() {
        scanner.start();
        assertThat(scanner.scanning()).as("no SCADA server, no scans").isFalse();

        scanner.onScan(image -> {});

        assertThat(scanner.scanning()).isTrue();
        scanner.close();
    }

    @Test
    void whileTheActiveIsSuspectTheScanLeavesTheControlConnectionToTheProbe() {
        scanOnceGood();
        TagImage before = scanner.image();
        clock.advance(Duration.ofMillis(20));
        status = status(
                PairState.PROTECTED,
                "plc-a",
                new Health(
                        "plc-a",
                        Condition.SUSPECT,
                        true,
                        RuntimeRole.ACTIVE,
                        RunStatus.RUN,
                        true,
                        41,
                        1,
                        0,
                        0,
                        1,
                        "TIMEOUT",
                        9));

        scanner.scan();

        assertThat(plcA.reads).as("no read while the active is suspect").hasSize(1);
        assertThat(scanner.image()).isSameAs(before);
    }

    @Test
    void withoutAnActiveTheLastValuesAreKeptAsLastUsable() {
        scanOnceGood();
        clock.advance(Duration.ofSeconds(1));
        status = status(PairState.DISCOVERING, null, healthy("plc-a"));

        scanner.scan();

        assertLastUsable("pair tank-1 has no active controller (DISCOVERING)");
        assertThat(plcA.reads).hasSize(1);
    }

    @Test
    void duringASwitchoverNeitherControllerIsRead() {
        scanOnceGood();
        status = status(PairState.SWITCHING, "plc-a", healthy("plc-a"));

        scanner.scan();

        assertLastUsable("pair tank-1 is switching over");
        assertThat(plcA.reads).hasSize(1);
        assertThat(plcB.reads).isEmpty();
    }

    @Test
    void anActiveThatCannotTakeCommandsIsNotRead() {
        scanOnceGood();
        Health failed = new Health(
                "plc-a",
                Condition.FAILED,
                false,
                RuntimeRole.ACTIVE,
                RunStatus.RUN,
                true,
                41,
                -1,
                0,
                5,
                3,
                "TIMEOUT: no answer within 15 ms",
                9);
        status = status(PairState.BLOCKED, "plc-a", failed);

        scanner.scan();

        assertLastUsable(
                "active controller plc-a is FAILED, unreachable, role ACTIVE, status RUN, TIMEOUT: no answer within 15 ms");
        assertThat(plcA.reads).hasSize(1);
    }

    @Test
    void anActiveThatStoppedRunningIsNotRead() {
        scanOnceGood();
        Health stopped = new Health(
                "plc-a", Condition.HEALTHY, true, RuntimeRole.ACTIVE, RunStatus.STOP, true, 41, 1, 0, 0, 0, "", 9);
        status = status(PairState.UNPROTECTED, "plc-a", stopped);

        scanner.scan();

        assertLastUsable("active controller plc-a is HEALTHY, reachable, role ACTIVE, status STOP");
    }

    @Test
    void anActiveWithoutHealthIsUnknownAndNotRead() {
        scanOnceGood();
        status = new PairStatus(
                PairState.PROTECTED,
                "plc-a",
                Map.of("plc-b", standby("plc-b")),
                Map.of(),
                Set.of(),
                null,
                0,
                0,
                List.of());

        scanner.scan();

        assertLastUsable("active controller plc-a is unknown");
    }

    @Test
    void aFailedReadKeepsTheLastValuesAndSaysWhy() {
        scanOnceGood();
        plcA.next = LinkResult.failed(LinkError.TIMEOUT, "no answer within 15 ms");

        scanner.scan();

        assertLastUsable("reading the tags of plc-a failed: TIMEOUT: no answer within 15 ms");
        assertThat(plcA.reads).hasSize(2);
    }

    @Test
    void aValueNeverReadStaysNoDataWithTheReason() {
        plcA.next = LinkResult.failed(LinkError.UNREACHABLE, "connection refused");

        scanner.scan();

        assertThat(scanner.image().values().values()).allSatisfy(v -> {
            assertThat(v.quality()).isEqualTo(Quality.NO_DATA);
            assertThat(v.sourceTime()).isNull();
            assertThat(v.why()).isEqualTo("reading the tags of plc-a failed: UNREACHABLE: connection refused");
        });
    }

    @Test
    void valuesAreGoodAgainOnceTheActiveCanBeRead() {
        scanOnceGood();
        status = status(PairState.SWITCHING, "plc-a", healthy("plc-a"));
        scanner.scan();
        clock.advance(Duration.ofSeconds(2));
        status = status(PairState.UNPROTECTED, "plc-a", healthy("plc-a"));
        plcA.next = LinkResult.ok(new double[] {100, 1.0}, 1_000);

        scanner.scan();

        assertThat(scanner.image().values().get("level"))
                .isEqualTo(new TagImage.Value(1.0, Quality.GOOD, T0.plusSeconds(2), "plc-a", ""));
    }

    @Test
    void theStandbyIsNeverReadAndTheNewActiveIsAfterASwitchover() {
        scanOnceGood();
        status = status(PairState.SWITCHING, "plc-b", healthy("plc-b"));
        scanner.scan();
        status = status(PairState.BLOCKED, "plc-a", standby("plc-a"));
        scanner.scan();
        assertThat(plcB.reads).as("the standby's values are not the process's").isEmpty();

        status = status(PairState.UNPROTECTED, "plc-b", healthy("plc-b"));
        plcB.next = LinkResult.ok(new double[] {4200, 8.0}, 1_000);
        scanner.scan();

        assertThat(plcA.reads).hasSize(1);
        assertThat(plcB.reads).containsExactly(List.of(level, flow));
        assertThat(scanner.image().values().get("flow"))
                .isEqualTo(new TagImage.Value(20.0, Quality.GOOD, T0, "plc-b", ""));
    }

    @Test
    void listenersGetEveryImageEvenWhenAnotherListenerThrows() {
        List<TagImage> first = new ArrayList<>();
        List<TagImage> second = new ArrayList<>();
        scanner.onScan(first::add);
        scanner.onScan(image -> {
            throw new IllegalStateException("a broken listener");
        });
        scanner.onScan(second::add);

        scanOnceGood();
        TagImage good = scanner.image();
        status = status(PairState.SWITCHING, "plc-a", healthy("plc-a"));
        scanner.scan();
        TagImage lastUsable = scanner.image();

        assertThat(first).containsExactly(good, lastUsable);
        assertThat(second).containsExactly(good, lastUsable);
        assertThat(lastUsable.values().get("level").quality()).isEqualTo(Quality.LAST_USABLE);
    }

    private void scanOnceGood() {
        plcA.next = LinkResult.ok(new double[] {5550, 4.0}, 1_000);
        scanner.scan();
        assertThat(scanner.image().values().get("level").quality()).isEqualTo(Quality.GOOD);
    }

    /** Both values are those of the good scan at T0, now LAST_USABLE for {@code why}. */
    private void assertLastUsable(String why) {
        assertThat(scanner.image().values())
                .containsExactly(
                        Map.entry("level", new TagImage.Value(55.5, Quality.LAST_USABLE, T0, "plc-a", why)),
                        Map.entry("flow", new TagImage.Value(10.0, Quality.LAST_USABLE, T0, "plc-a", why)));
    }

    private static Health healthy(String id) {
        return new Health(id, Condition.HEALTHY, true, RuntimeRole.ACTIVE, RunStatus.RUN, true, 41, 1, 0, 0, 0, "", 9);
    }

    private static Health standby(String id) {
        return new Health(
                id, Condition.HEALTHY, true, RuntimeRole.STANDBY, RunStatus.RUN, false, 17, 1, 0, 0, 0, "", 9);
    }

    /** The pair with {@code activeHealth} for its active (when there is one) and the other as a ready standby. */
    private static PairStatus status(PairState state, String activeId, Health activeHealth) {
        String other = activeHealth.controllerId().equals("plc-a") ? "plc-b" : "plc-a";
        return new PairStatus(
                state,
                activeId,
                Map.of(activeHealth.controllerId(), activeHealth, other, standby(other)),
                Map.of(),
                Set.of(),
                null,
                0,
                0,
                List.of());
    }

    /** A link that answers readTags with {@link #next} and records what it was asked; nothing else is used. */
    private static final class FakeLink implements ControllerLink {
        private final String id;
        private final List<List<TagConfig>> reads = new ArrayList<>();
        private LinkResult<double[]> next = LinkResult.failed(LinkError.PROTOCOL, "no answer scripted");

        FakeLink(String id) {
            this.id = id;
        }

        @Override
        public LinkResult<double[]> readTags(List<TagConfig> tags) {
            reads.add(List.copyOf(tags));
            return next;
        }

        @Override
        public String controllerId() {
            return id;
        }

        @Override
        public String endpoint() {
            return "fake://" + id;
        }

        @Override
        public LinkResult<StatusReading> readStatus(java.time.Duration deadline) {
            throw new UnsupportedOperationException("the scanner reads tags only");
        }

        @Override
        public LinkResult<StatusReading> writeRole(RuntimeRole role) {
            throw new UnsupportedOperationException("the scanner never writes");
        }

        @Override
        public java.time.Duration responseTimeout() {
            return java.time.Duration.ofMillis(15);
        }

        @Override
        public void adapt(java.time.Duration deadline) {}

        @Override
        public LinkResult<StatusReading> readStatusForControl(java.time.Duration deadline) {
            throw new UnsupportedOperationException("the scanner reads tags only");
        }

        @Override
        public LinkResult<double[]> writeTags(List<TagConfig> tags, double[] raw) {
            throw new UnsupportedOperationException("the scanner never writes");
        }

        @Override
        public boolean secure() {
            return true;
        }

        @Override
        public void close() {}
    }

    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
