package dev.failover.gateway.journal;

import static dev.failover.gateway.journal.JournalFixtures.START;
import static dev.failover.gateway.journal.JournalFixtures.w;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.failover.gateway.journal.JournalFixtures.TickingClock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a synced append costs on this machine: figures for docs/journal.md, printed, not asserted
 * (speed targets live in the benchmarks, not in unit tests).
 */
class CommandJournalBenchmarkTest {

    private static final Logger log = LoggerFactory.getLogger(CommandJournalBenchmarkTest.class);

    private static final long BUDGET_NANOS = 1_000_000_000L;

    @TempDir
    Path dir;

    @BeforeAll
    static void printFigures() {
        // The test log shows warnings only; these figures are the point of the test.
        ((ch.qos.logback.classic.Logger) log).setLevel(Level.INFO);
    }

    @Test
    void syncedAppendsPerSecond() throws IOException {
        try (CommandJournal journal = CommandJournal.open(dir.resolve("bench.journal"), new TickingClock(START))) {
            warmUp(journal);
            long bytesBefore = journal.sizeBytes();
            int appends = 0;
            long started = System.nanoTime();
            while (System.nanoTime() - started < BUDGET_NANOS && appends < 20_000) {
                journal.accepted(
                        "write-" + UUID.randomUUID(), "tank-1", List.of(w("level_sp", appends)), "CN=operator-1");
                appends++;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            log.info(String.format(
                    Locale.ROOT,
                    "journal append + fsync: %d appends in %.2f s = %.0f appends/s, %.1f us each, %d bytes per "
                            + "Accepted record",
                    appends,
                    seconds,
                    appends / seconds,
                    seconds * 1e6 / appends,
                    (journal.sizeBytes() - bytesBefore) / appends));
            assertThat(journal.pending()).hasSizeGreaterThanOrEqualTo(appends);
        }
    }

    @Test
    void journaledCommandsPerSecond() throws IOException {
        try (CommandJournal journal = CommandJournal.open(dir.resolve("bench.journal"), new TickingClock(START))) {
            warmUp(journal);
            long bytesBefore = journal.sizeBytes();
            int commands = 0;
            long started = System.nanoTime();
            while (System.nanoTime() - started < BUDGET_NANOS && commands < 5_000) {
                JournalFixtures.acknowledge(
                        journal, "write-" + UUID.randomUUID(), "tank-1", List.of(w("level_sp", commands)));
                commands++;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            log.info(String.format(
                    Locale.ROOT,
                    "journaled command (accepted, applied active, applied standby, acknowledged: 4 fsyncs): "
                            + "%.0f commands/s, %.1f us each, %d bytes each",
                    commands / seconds,
                    seconds * 1e6 / commands,
                    (journal.sizeBytes() - bytesBefore) / commands));
        }
    }

    @Test
    void compactionOfALargeLiveSet() throws IOException {
        try (CommandJournal journal =
                CommandJournal.open(dir.resolve("bench.journal"), new TickingClock(START), Long.MAX_VALUE)) {
            // 1,000 tags with a latest value each, some owed and some pending commands, 2,000 in all.
            for (int i = 0; i < 2_000; i++) {
                String id = "cmd-" + i;
                journal.accepted(id, "pair-" + (i % 10), List.of(w("tag-" + (i % 1000), i)), "CN=operator-1");
                journal.appliedActive(id, "plc-a");
                if (i >= 1_980) {
                    continue;
                }
                if (i % 50 == 0) {
                    journal.queuedForStandby(id, "plc-b");
                } else {
                    journal.appliedStandby(id, "plc-b");
                }
                journal.acknowledged(id);
            }
            long before = journal.sizeBytes();
            long started = System.nanoTime();
            journal.compact();
            double millis = (System.nanoTime() - started) / 1e6;
            int values = 0;
            for (int p = 0; p < 10; p++) {
                values += journal.latestAcknowledgedValues("pair-" + p).size();
            }
            log.info(String.format(
                    Locale.ROOT,
                    "compaction: %d -> %d bytes (%d latest values, %d owed, %d pending) in %.1f ms",
                    before,
                    journal.sizeBytes(),
                    values,
                    journal.owedTo("plc-b").size(),
                    journal.pending().size(),
                    millis));
        }
    }

    private static void warmUp(CommandJournal journal) throws IOException {
        for (int i = 0; i < 200; i++) {
            journal.accepted("warm-up-" + i, "tank-1", List.of(w("level_sp", i)), "CN=operator-1");
        }
    }
}
