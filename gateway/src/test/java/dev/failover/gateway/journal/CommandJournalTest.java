package dev.failover.gateway.journal;

import static dev.failover.gateway.journal.JournalFixtures.START;
import static dev.failover.gateway.journal.JournalFixtures.acknowledge;
import static dev.failover.gateway.journal.JournalFixtures.acknowledgeOwed;
import static dev.failover.gateway.journal.JournalFixtures.read;
import static dev.failover.gateway.journal.JournalFixtures.w;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.failover.gateway.durable.GroupCommit;
import dev.failover.gateway.journal.JournalFixtures.TickingClock;
import dev.failover.gateway.journal.JournalRecord.Accepted;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The journal's records, queries and rules (safety rule 4: no acknowledged command is lost). */
class CommandJournalTest {

    @TempDir
    Path dir;

    private final TickingClock clock = new TickingClock(START);

    private Path file() {
        return dir.resolve("state/commands.journal");
    }

    @Test
    void aMissingFileIsCreatedWithTheHeaderOnly() throws IOException {
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            assertThat(journal.recovery()).isEmpty();
            assertThat(journal.pending()).isEmpty();
            assertThat(journal.sizeBytes()).isEqualTo(8);
        }
        assertThat(read(file())).containsExactly('F', 'G', 'C', 'J', 0, 1, 0, 0);
    }

    @Test
    void everyKindOfRecordSurvivesAReopen() throws IOException {
        JournalState.View before;
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            acknowledge(journal, "cmd-0001", "tank-1", List.of(w("level_sp", 550), w("mode", 2)));
            acknowledgeOwed(journal, "cmd-0002", "tank-1", List.of(w("level_sp", 600)));
            journal.accepted("cmd-0003", "tank-1", List.of(w("mode", 3)), "CN=operator-2");
            journal.appliedActive("cmd-0003", "plc-a");
            journal.failed("cmd-0003", "READBACK_MISMATCH: plc-a holds 2 after writing 3");
            journal.accepted("cmd-0004", "tank-2", List.of(w("flow_sp", -12.5)), "CN=scada");
            journal.appliedActive("cmd-0004", "plc-c");
            journal.queuedForStandby("cmd-0004", "plc-d");
            journal.accepted("cmd-0005", "tank-2", List.of(w("flow_sp", 1e300)), "CN=scada");
            journal.deliveredToStandby("cmd-0002", "plc-b");
            before = journal.view();
        }

        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            assertThat(journal.recovery()).isEmpty();
            assertThat(journal.view()).isEqualTo(before);
            assertThat(journal.acknowledgedCommands("tank-1"))
                    .extracting(Accepted::commandId)
                    .containsExactly("cmd-0001", "cmd-0002");
            assertThat(journal.acknowledgedCommands("tank-1").get(0).acceptedAt())
                    .isAfter(START);
            assertThat(journal.latestAcknowledgedValues("tank-1"))
                    .containsExactly(
                            Map.entry("level_sp", new AcknowledgedValue(600, "cmd-0002")),
                            Map.entry("mode", new AcknowledgedValue(2, "cmd-0001")));
            assertThat(journal.latestAcknowledgedValues("tank-2"))
                    .as("pending commands hold no acknowledged value")
                    .isEmpty();
            assertThat(journal.owedTo("plc-b")).as("delivered").isEmpty();
            assertThat(journal.owedTo("plc-d"))
                    .extracting(o -> o.command().commandId(), OwedCommand::acknowledged)
                    .containsExactly(tuple("cmd-0004", false));
            assertThat(journal.pending())
                    .extracting(
                            p -> p.command().commandId(),
                            PendingCommand::appliedActive,
                            PendingCommand::appliedStandby,
                            PendingCommand::queuedFor)
                    .containsExactly(
                            tuple("cmd-0004", Set.of("plc-c"), Set.of(), Set.of("plc-d")),
                            tuple("cmd-0005", Set.of(), Set.of(), Set.of()));
            assertThat(journal.pending().get(1).command().writes()).containsExactly(w("flow_sp", 1e300));
        }
    }

    @Test
    void afterACrashThePendingCommandsAreKnownWithWhatWasApplied() throws IOException {
        CommandJournal running = CommandJournal.open(file(), clock);
        acknowledge(running, "cmd-0001", "tank-1", List.of(w("level_sp", 550)));
        running.accepted("cmd-0002", "tank-1", List.of(w("level_sp", 560)), "CN=operator-1");
        running.appliedActive("cmd-0002", "plc-a");
        running.accepted("cmd-0003", "tank-1", List.of(w("mode", 1)), "CN=operator-1");
        // A crash: the process dies without close(); every append was synced, so a copy of the file
        // now is what a restart finds.
        Path afterCrash = dir.resolve("after-crash.journal");
        Files.copy(file(), afterCrash);

        try (CommandJournal journal = CommandJournal.open(afterCrash, clock)) {
            assertThat(journal.pending())
                    .extracting(p -> p.command().commandId(), PendingCommand::appliedToActive)
                    .containsExactly(tuple("cmd-0002", true), tuple("cmd-0003", false));
            assertThat(journal.latestAcknowledgedValues("tank-1"))
                    .containsExactly(Map.entry("level_sp", new AcknowledgedValue(550, "cmd-0001")));
            // The lead's decision after the restart, for example: finish one, fail the other.
            journal.appliedStandby("cmd-0002", "plc-b");
            journal.acknowledged("cmd-0002");
            journal.failed("cmd-0003", "interrupted by a gateway restart");
            assertThat(journal.pending()).isEmpty();
        }
        running.close();
    }

    @Test
    void theLatestAcknowledgedValuePerTagFollowsManyCommands() throws IOException {
        Random random = new Random(7);
        Map<String, Map<String, AcknowledgedValue>> expected = new HashMap<>();
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            for (int i = 0; i < 300; i++) {
                String id = String.format("cmd-%04d", i);
                String pair = random.nextBoolean() ? "tank-1" : "tank-2";
                String tag = "tag-" + random.nextInt(5);
                double raw = random.nextInt(1000);
                int outcome = random.nextInt(4);
                switch (outcome) {
                    case 0 -> {
                        journal.accepted(id, pair, List.of(w(tag, raw)), "CN=op");
                        journal.appliedActive(id, "plc-a");
                        journal.failed(id, "NO_ACTIVE");
                    }
                    case 1 -> acknowledgeOwed(journal, id, pair, List.of(w(tag, raw)));
                    default -> acknowledge(journal, id, pair, List.of(w(tag, raw)));
                }
                if (outcome != 0) {
                    expected.computeIfAbsent(pair, p -> new HashMap<>()).put(tag, new AcknowledgedValue(raw, id));
                }
            }
            assertThat(journal.latestAcknowledgedValues("tank-1")).isEqualTo(expected.get("tank-1"));
            assertThat(journal.latestAcknowledgedValues("tank-2")).isEqualTo(expected.get("tank-2"));
        }
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            assertThat(journal.latestAcknowledgedValues("tank-1")).isEqualTo(expected.get("tank-1"));
            assertThat(journal.latestAcknowledgedValues("tank-2")).isEqualTo(expected.get("tank-2"));
            assertThat(journal.latestAcknowledgedValues("tank-3")).isEmpty();
        }
    }

    @Test
    void writesOwedToADownStandbyStayOwedUntilDelivered() throws IOException {
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            acknowledgeOwed(journal, "cmd-0001", "tank-1", List.of(w("level_sp", 550)));
            acknowledgeOwed(journal, "cmd-0002", "tank-1", List.of(w("level_sp", 560), w("mode", 2)));
            journal.accepted("cmd-0003", "tank-1", List.of(w("mode", 3)), "CN=op");
            journal.appliedActive("cmd-0003", "plc-a");
            journal.queuedForStandby("cmd-0003", "plc-b");
            journal.accepted("cmd-0004", "tank-1", List.of(w("mode", 4)), "CN=op");
            journal.appliedActive("cmd-0004", "plc-a");
            journal.queuedForStandby("cmd-0004", "plc-b");
            journal.failed("cmd-0004", "ACTIVE_CHANGED");
        }
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            assertThat(journal.owedControllers()).containsExactly("plc-b");
            assertThat(journal.owedTo("plc-b"))
                    .as("acknowledged first, then pending; a failed command is owed to nobody")
                    .extracting(o -> o.command().commandId(), OwedCommand::acknowledged)
                    .containsExactly(tuple("cmd-0001", true), tuple("cmd-0002", true), tuple("cmd-0003", false));
            assertThat(journal.owedTo("plc-a")).isEmpty();

            // The standby is back: it catches up, in one sync for the acknowledged ones.
            journal.allDeliveredToStandby("plc-b", List.of("cmd-0001", "cmd-0002"));
            journal.deliveredToStandby("cmd-0003", "plc-b");
            assertThat(journal.pending().get(0).appliedStandby())
                    .as("a pending command delivered to its standby is held by it")
                    .containsExactly("plc-b");
            journal.acknowledged("cmd-0003");
            assertThat(journal.owedTo("plc-b")).isEmpty();
            assertThat(journal.owedControllers()).isEmpty();
        }
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            assertThat(journal.owedTo("plc-b")).isEmpty();
            assertThat(journal.latestAcknowledgedValues("tank-1"))
                    .containsEntry("mode", new AcknowledgedValue(3, "cmd-0003"));
        }
    }

    @Test
    void recordsThatBreakTheRulesAreRefusedAndNothingIsWritten() throws IOException {
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            journal.accepted("cmd-0001", "tank-1", List.of(w("level_sp", 550)), "CN=op");
            long size = journal.sizeBytes();

            // Safety rule 4: acknowledged only once the active confirmed it and a standby has it or is owed it.
            assertThatThrownBy(() -> journal.acknowledged("cmd-0001"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no active controller confirmed its writes");
            journal.appliedActive("cmd-0001", "plc-a");
            size = journal.sizeBytes();
            assertThatThrownBy(() -> journal.acknowledged("cmd-0001"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no standby holds its writes and none is owed them");
            assertThatThrownBy(() -> journal.appliedActive("cmd-0001", "plc-a"))
                    .hasMessageContaining("already applied to active plc-a");
            assertThatThrownBy(() -> journal.accepted("cmd-0001", "tank-1", List.of(w("x", 1)), "CN=op"))
                    .hasMessageContaining("already in the journal, pending");
            assertThatThrownBy(() -> journal.appliedActive("cmd-9999", "plc-a"))
                    .hasMessageContaining(
                            "cmd-9999 cannot be applied to an active controller: it is not in the journal");
            assertThatThrownBy(() -> journal.deliveredToStandby("cmd-0001", "plc-b"))
                    .hasMessageContaining("not owed to plc-b");
            journal.queuedForStandby("cmd-0001", "plc-b");
            size = journal.sizeBytes();
            assertThatThrownBy(() -> journal.appliedStandby("cmd-0001", "plc-b"))
                    .hasMessageContaining("record its delivery");
            assertThatThrownBy(() -> journal.allDeliveredToStandby("plc-b", List.of("cmd-0001", "cmd-0002")))
                    .as("a batch is refused whole")
                    .hasMessageContaining("cmd-0002");
            assertThat(journal.sizeBytes()).isEqualTo(size);
            journal.acknowledged("cmd-0001");
            size = journal.sizeBytes();
            assertThatThrownBy(() -> journal.failed("cmd-0001", "late"))
                    .hasMessageContaining("it is already acknowledged");
            assertThatThrownBy(() -> journal.accepted("cmd-0002", "tank-1", List.of(w("a", 1), w("a", 2)), "CN=op"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("writes tag a twice");
            assertThatThrownBy(() -> journal.accepted("cmd-0002", "tank-1", List.of(w("a", 1)), ""))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w("a", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> journal.accepted("cmd-0002", "tank-1", List.of(), "CN=op"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> journal.accepted("cmd-\uD800", "tank-1", List.of(w("a", 1)), "CN=op"))
                    .as("an unpaired surrogate could not be read back as written")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(journal.sizeBytes()).isEqualTo(size).isEqualTo(Files.size(file()));
        }
    }

    @Test
    void aLongFailureReasonIsClipped() throws IOException {
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            journal.accepted("cmd-0001", "tank-1", List.of(w("level_sp", 550)), "CN=op");
            journal.failed("cmd-0001", "x".repeat(10_000));
        }
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            assertThat(journal.view().failed()).containsExactly("cmd-0001");
        }
    }

    @Test
    void afterAFailedAppendTheJournalRefusesEveryAppendUntilReopened() throws IOException {
        CommandJournal journal = CommandJournal.open(file(), clock);
        acknowledge(journal, "cmd-0001", "tank-1", List.of(w("level_sp", 550)));
        journal.closeFileForTest();

        assertThatThrownBy(() -> journal.accepted("cmd-0002", "tank-1", List.of(w("level_sp", 560)), "CN=op"))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot append to the command journal " + file().toAbsolutePath());
        assertThatThrownBy(() -> journal.accepted("cmd-0003", "tank-1", List.of(w("level_sp", 570)), "CN=op"))
                .as("no command may run unjournaled")
                .isInstanceOf(IOException.class)
                .hasMessageContaining("failed earlier; it refuses every append until the gateway restarts")
                .hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(journal::compact).isInstanceOf(IOException.class);
        assertThat(journal.pending()).as("the failed append changed nothing").isEmpty();
        journal.close();
        journal.close();

        try (CommandJournal reopened = CommandJournal.open(file(), clock)) {
            assertThat(reopened.recovery()).isEmpty();
            assertThat(reopened.latestAcknowledgedValues("tank-1"))
                    .containsExactly(Map.entry("level_sp", new AcknowledgedValue(550, "cmd-0001")));
            reopened.accepted("cmd-0002", "tank-1", List.of(w("level_sp", 560)), "CN=op");
        }
    }

    @Test
    void closeIsIdempotentAndAppendsAfterItAreRefused() throws IOException {
        CommandJournal journal = CommandJournal.open(file(), clock);
        journal.close();
        journal.close();
        assertThatThrownBy(() -> journal.accepted("cmd-0001", "tank-1", List.of(w("a", 1)), "CN=op"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThat(journal.pending()).isEmpty();
    }

    @Test
    void anInterruptedCallerDoesNotBreakTheJournal() throws IOException {
        // An interrupt closes a FileChannel under every thread that uses it; the journal must not
        // stop taking commands because one caller was interrupted.
        try (CommandJournal journal = CommandJournal.open(file(), clock, 64)) {
            Thread.currentThread().interrupt();
            try {
                acknowledge(journal, "cmd-0001", "tank-1", List.of(w("level_sp", 550)));
                journal.compact();
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
            }
            acknowledge(journal, "cmd-0002", "tank-1", List.of(w("level_sp", 560)));
        }
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            assertThat(journal.latestAcknowledgedValues("tank-1"))
                    .containsExactly(Map.entry("level_sp", new AcknowledgedValue(560, "cmd-0002")));
        }
    }

    @Test
    @Timeout(60)
    void concurrentCommandsAreAllJournaled() throws Exception {
        int threads = 4;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (CommandJournal journal = CommandJournal.open(file(), clock, 4096)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String pair = "pair-" + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        acknowledge(journal, pair + "-cmd-" + i, pair, List.of(w("tag-" + (i % 3), i)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            for (int t = 0; t < threads; t++) {
                assertThat(journal.latestAcknowledgedValues("pair-" + t))
                        .containsExactly(
                                Map.entry("tag-0", new AcknowledgedValue(48, "pair-" + t + "-cmd-48")),
                                Map.entry("tag-1", new AcknowledgedValue(49, "pair-" + t + "-cmd-49")),
                                Map.entry("tag-2", new AcknowledgedValue(47, "pair-" + t + "-cmd-47")));
            }
            assertThat(journal.pending()).isEmpty();
        }
    }

    @Test
    @Timeout(60)
    void concurrentCommandsShareTheirSyncsAndEveryAcknowledgementIsKept() throws Exception {
        GroupCommit group = new GroupCommit("state");
        int threads = 8;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (CommandJournal journal =
                CommandJournal.open(file(), clock, CommandJournal.DEFAULT_COMPACT_THRESHOLD_BYTES, group)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String pair = "pair-" + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String id = pair + "-cmd-" + i;
                        journal.accepted(id, pair, List.of(w("tag", i)), "CN=operator-1");
                        journal.appliedActive(id, "plc-a");
                        journal.appliedStandby(id, "plc-b");
                        // As the command service does: written under the pair's lock, waited for after.
                        GroupCommit.Durable ack = journal.acknowledge(id);
                        ack.await();
                        // What a crash right now would leave: the acknowledgement is in the file.
                        assertThat(JournalReader.scan(file(), read(file()))
                                        .state()
                                        .acknowledged(pair))
                                .extracting(Accepted::commandId)
                                .contains(id);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        GroupCommit.Figures figures = group.figures();
        assertThat(figures.appends()).as("accepted and acknowledged, each").isEqualTo(2L * threads * perThread);
        assertThat(figures.syncs()).as("shared syncs").isLessThan(figures.appends());
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            for (int t = 0; t < threads; t++) {
                assertThat(journal.acknowledgedCommands("pair-" + t)).hasSize(perThread);
            }
        }
    }

    @Test
    void pendingCommandsAreOwedToAStandbyInTheOrderTheyWereQueuedNotAccepted() throws IOException {
        // Commands are accepted concurrently but run one at a time: the order they ran in is the one
        // a standby must replay.
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            journal.accepted("first-accepted", "tank-1", List.of(w("setpoint", 1)), "CN=operator-1");
            journal.accepted("second-accepted", "tank-1", List.of(w("setpoint", 2)), "CN=operator-1");
            journal.appliedActive("second-accepted", "plc-a");
            journal.queuedForStandby("second-accepted", "plc-b");
            journal.appliedActive("first-accepted", "plc-a");
            journal.queuedForStandby("first-accepted", "plc-b");
            assertThat(journal.owedTo("plc-b"))
                    .extracting(o -> o.command().commandId())
                    .containsExactly("second-accepted", "first-accepted");
            journal.compact();
            assertThat(journal.owedTo("plc-b"))
                    .as("after compaction")
                    .extracting(o -> o.command().commandId())
                    .containsExactly("second-accepted", "first-accepted");
        }
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            assertThat(journal.owedTo("plc-b"))
                    .as("after a reopen")
                    .extracting(o -> o.command().commandId())
                    .containsExactly("second-accepted", "first-accepted");
        }
    }

    @Test
    void aFailedSyncFailsItsWaiterAndBreaksTheJournalAtItsNextAppend() throws IOException {
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            journal.accepted("cmd-1", "tank-1", List.of(w("level", 1)), "CN=operator-1");
            journal.appliedActive("cmd-1", "plc-a");
            journal.appliedStandby("cmd-1", "plc-b");
            GroupCommit.Durable ack = journal.acknowledge("cmd-1");
            // The disk fails between the write and its sync.
            journal.closeFileForTest();

            assertThatThrownBy(ack::await).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> journal.accepted("cmd-2", "tank-1", List.of(w("level", 2)), "CN=operator-1"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("failed earlier");
        }
    }
}
