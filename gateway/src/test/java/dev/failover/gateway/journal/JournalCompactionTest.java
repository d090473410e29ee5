package dev.failover.gateway.journal;

import static dev.failover.gateway.journal.JournalFixtures.START;
import static dev.failover.gateway.journal.JournalFixtures.acknowledge;
import static dev.failover.gateway.journal.JournalFixtures.acknowledgeOwed;
import static dev.failover.gateway.journal.JournalFixtures.read;
import static dev.failover.gateway.journal.JournalFixtures.w;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.journal.JournalFixtures.TickingClock;
import dev.failover.gateway.journal.JournalRecord.Accepted;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal does not grow without bound, and a crash during a compaction loses nothing. */
class JournalCompactionTest {

    @TempDir
    Path dir;

    private final TickingClock clock = new TickingClock(START);

    private Path file() {
        return dir.resolve("commands.journal").toAbsolutePath();
    }

    /**
     * A history with something of every kind: superseded acknowledged writes, a command partly
     * superseded, owed commands (one superseded, whose writes must still reach the standby), a
     * delivered one, failed ones and pending ones.
     */
    private static void history(CommandJournal journal) throws IOException {
        for (int i = 0; i < 20; i++) {
            acknowledge(journal, "old-" + i, "tank-1", List.of(w("level_sp", 500 + i)));
        }
        acknowledge(journal, "both", "tank-1", List.of(w("level_sp", 600), w("mode", 1)));
        acknowledge(journal, "sp-only", "tank-1", List.of(w("level_sp", 610)));
        acknowledgeOwed(journal, "owed-1", "tank-2", List.of(w("flow_sp", 10)));
        acknowledgeOwed(journal, "owed-2", "tank-2", List.of(w("flow_sp", 20)));
        acknowledgeOwed(journal, "delivered", "tank-2", List.of(w("temp_sp", 30)));
        journal.deliveredToStandby("delivered", "plc-b");
        journal.accepted("failed", "tank-1", List.of(w("mode", 9)), "CN=op");
        journal.failed("failed", "NO_ACTIVE");
        journal.accepted("pending-1", "tank-1", List.of(w("mode", 2)), "CN=op");
        journal.appliedActive("pending-1", "plc-a");
        journal.queuedForStandby("pending-1", "plc-b");
        journal.accepted("pending-2", "tank-2", List.of(w("flow_sp", 30)), "CN=op");
        journal.appliedActive("pending-2", "plc-c");
        journal.queuedForStandby("pending-2", "plc-d");
        journal.deliveredToStandby("pending-2", "plc-d");
    }

    @Test
    void compactionKeepsLatestValuesOwedAndPendingAndDropsTheRest() throws IOException {
        JournalState.View compacted;
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            history(journal);
            JournalState.View before = journal.view();
            long sizeBefore = journal.sizeBytes();

            journal.compact();

            compacted = journal.view();
            assertThat(journal.sizeBytes()).isEqualTo(Files.size(file())).isLessThan(sizeBefore / 3);
            assertThat(compacted.latest()).isEqualTo(before.latest());
            assertThat(compacted.owed()).isEqualTo(before.owed());
            assertThat(compacted.pending()).isEqualTo(before.pending());
            assertThat(compacted.failed()).as("forgotten").isEmpty();
            assertThat(journal.acknowledgedCommands("tank-1"))
                    .as("only what still holds a latest value, with only those writes")
                    .extracting(Accepted::commandId, Accepted::writes)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("both", List.of(w("mode", 1))),
                            org.assertj.core.groups.Tuple.tuple("sp-only", List.of(w("level_sp", 610))));
            assertThat(journal.acknowledgedCommands("tank-2"))
                    .as("owed commands keep all their writes, superseded or not")
                    .extracting(Accepted::commandId)
                    .containsExactly("owed-1", "owed-2", "delivered");
            assertThat(journal.owedTo("plc-b"))
                    .extracting(o -> o.command().commandId())
                    .containsExactly("owed-1", "owed-2", "pending-1");

            // The journal goes on as before: the pending commands end, new ones come.
            journal.appliedStandby("pending-1", "plc-c");
            journal.acknowledged("pending-1");
            journal.acknowledged("pending-2");
            journal.allDeliveredToStandby("plc-b", List.of("owed-1", "owed-2", "pending-1"));
            acknowledge(journal, "after", "tank-1", List.of(w("level_sp", 620)));
            compacted = journal.view();
        }
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            assertThat(journal.view()).isEqualTo(compacted);
            assertThat(journal.latestAcknowledgedValues("tank-1"))
                    .containsExactly(
                            Map.entry("level_sp", new AcknowledgedValue(620, "after")),
                            Map.entry("mode", new AcknowledgedValue(2, "pending-1")));
            assertThat(journal.owedControllers()).isEmpty();
        }
    }

    @Test
    void theFileStaysBoundedUnderAStreamOfCommands() throws IOException {
        long threshold = 16 * 1024;
        long largest = 0;
        try (CommandJournal journal = CommandJournal.open(file(), clock, threshold)) {
            for (int i = 0; i < 2_000; i++) {
                acknowledge(journal, "cmd-" + i, "tank-1", List.of(w("tag-" + (i % 10), i)));
                largest = Math.max(largest, journal.sizeBytes());
            }
            assertThat(largest).isLessThanOrEqualTo(threshold + 200);
            journal.compact();
            assertThat(journal.acknowledgedCommands("tank-1")).hasSize(10);
        }
        try (CommandJournal journal = CommandJournal.open(file(), clock, threshold)) {
            assertThat(journal.latestAcknowledgedValues("tank-1"))
                    .hasSize(10)
                    .containsEntry("tag-9", new AcknowledgedValue(1999, "cmd-1999"));
        }
    }

    @Test
    void aJournalAboveItsThresholdIsCompactedWhenOpened() throws IOException {
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            history(journal);
        }
        long before = Files.size(file());
        try (CommandJournal journal = CommandJournal.open(file(), clock, 1024)) {
            assertThat(Files.size(file())).isLessThan(before);
            assertThat(journal.owedTo("plc-b")).hasSize(3);
        }
    }

    @Test
    void aCrashBeforeTheRenameLeavesTheOldFileWholeAndTheLeftoverIsDeleted() throws IOException {
        JournalState.View before;
        byte[] old;
        Path leftover;
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            history(journal);
            before = journal.view();
            old = read(file());
            // The compaction runs up to the synced new file, then the gateway "crashes": no rename.
            leftover = journal.writeCompactionFile();
        }
        assertThat(leftover).exists().isEqualTo(CommandJournal.compactionFileOf(file()));

        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            assertThat(journal.recovery()).isEmpty();
            assertThat(journal.view()).isEqualTo(before);
            assertThat(leftover).doesNotExist();
        }
        assertThat(read(file())).isEqualTo(old);
    }

    @Test
    void aCrashJustAfterTheRenameFindsTheWholeNewFile() throws IOException {
        JournalState.View before;
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            history(journal);
            before = journal.view();
            // The rename happened, the crash came before the directory sync or the reopen.
            Files.move(journal.writeCompactionFile(), file(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }

        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            JournalState.View after = journal.view();
            assertThat(after.latest()).isEqualTo(before.latest());
            assertThat(after.owed()).isEqualTo(before.owed());
            assertThat(after.pending()).isEqualTo(before.pending());
        }
    }

    @Test
    void aCompactionThatFailsBeforeTheRenameLeavesAWorkingJournal() throws IOException {
        Path blocker = CommandJournal.compactionFileOf(file());
        try (CommandJournal journal = CommandJournal.open(file(), clock)) {
            history(journal);
            byte[] old = read(file());
            // The compaction file cannot be written: a directory (with content) is in its place.
            Files.createDirectories(blocker.resolve("in-the-way"));

            assertThatThrownBy(journal::compact).isInstanceOf(IOException.class);

            assertThat(read(file())).isEqualTo(old);
            acknowledge(journal, "after", "tank-1", List.of(w("level_sp", 700)));
            Files.delete(blocker.resolve("in-the-way"));
            Files.delete(blocker);
            journal.compact();
            assertThat(journal.latestAcknowledgedValues("tank-1"))
                    .containsEntry("level_sp", new AcknowledgedValue(700, "after"));
        }
    }

    @Test
    void automaticCompactionThatFailsIsRetriedLaterAndTheAppendStillSucceeds() throws IOException {
        Path blocker = CommandJournal.compactionFileOf(file());
        try (CommandJournal journal = CommandJournal.open(file(), clock, 2048)) {
            Files.createDirectories(blocker.resolve("in-the-way"));
            for (int i = 0; i < 40; i++) {
                acknowledge(journal, "cmd-" + i, "tank-1", List.of(w("level_sp", i)));
            }
            long grown = journal.sizeBytes();
            assertThat(grown).as("no compaction could run").isGreaterThan(2048);
            Files.delete(blocker.resolve("in-the-way"));
            Files.delete(blocker);
            for (int i = 40; i < 80; i++) {
                acknowledge(journal, "cmd-" + i, "tank-1", List.of(w("level_sp", i)));
            }
            assertThat(journal.sizeBytes()).as("compacted at a later attempt").isLessThan(grown);
        }
    }

    @Test
    void aCompactionTellsWhichCommandIdsItDropsBeforeItDropsThem() throws IOException {
        java.util.Map<String, java.time.Instant> told = new java.util.HashMap<>();
        try (CommandJournal journal = CommandJournal.open(
                file(), clock, CommandJournal.DEFAULT_COMPACT_THRESHOLD_BYTES, null, told::putAll)) {
            acknowledge(journal, "first", "tank-1", List.of(w("level", 1)));
            acknowledge(journal, "second", "tank-1", List.of(w("level", 2)));
            journal.accepted("broken", "tank-1", List.of(w("level", 3)), "CN=operator-1");
            journal.failed("broken", "CONTROLLER_TIMEOUT");
            assertThat(journal.commandIds()).containsOnlyKeys("first", "second", "broken");
            java.time.Instant firstAccepted = journal.commandIds().get("first");

            journal.compact();

            assertThat(told)
                    .as("superseded and failed: dropped")
                    .containsOnlyKeys("first", "broken")
                    .containsEntry("first", firstAccepted);
            assertThat(journal.commandIds()).containsOnlyKeys("second");
        }
    }

    @Test
    void aCompactionWhoseDroppedIdsCannotBeKeptIsNotDone() throws IOException {
        try (CommandJournal journal =
                CommandJournal.open(file(), clock, CommandJournal.DEFAULT_COMPACT_THRESHOLD_BYTES, null, ids -> {
                    throw new IOException("replay store unavailable");
                })) {
            acknowledge(journal, "first", "tank-1", List.of(w("level", 1)));
            acknowledge(journal, "second", "tank-1", List.of(w("level", 2)));
            assertThatThrownBy(journal::compact).hasMessageContaining("replay store unavailable");
            assertThat(journal.commandIds()).containsOnlyKeys("first", "second");
            acknowledge(journal, "third", "tank-1", List.of(w("level", 3)));
        }
    }
}
