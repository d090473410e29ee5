package dev.failover.bench;

import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.journal.TagWrite;
import dev.failover.testkit.SimPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * The command journal's own cost per tag-writing command, and a journal placed on another file
 * system for the command benchmark: the two ways the RPO benchmark separates the journal from the
 * rest of the command path.
 */
final class JournalCost {

    /** Where {@code GatewaySecurity} keeps the journal: this name in the gateway's state directory. */
    static final String JOURNAL_FILE = "command-journal";

    private JournalCost() {}

    /**
     * The time of the four synced appends a journaled tag write makes (accepted, applied to the
     * active, applied to the standby, acknowledged), one command after another on one thread, in a
     * fresh journal in {@code dir}; {@code commands} counted after a tenth as many uncounted.
     */
    static Stats perCommand(Path dir, int commands) throws IOException {
        Path file = dir.resolve("journal-cost-" + UUID.randomUUID());
        Stats took = new Stats();
        try (CommandJournal journal = CommandJournal.open(file, Clock.systemUTC())) {
            int warmup = commands / 10;
            for (int i = 0; i < warmup + commands; i++) {
                String id = UUID.randomUUID().toString();
                long start = System.nanoTime();
                journal.accepted(id, SimPair.PAIR, List.of(new TagWrite("level_setpoint", 5000 + i % 100)), "bench");
                journal.appliedActive(id, SimPair.A);
                journal.appliedStandby(id, SimPair.B);
                journal.acknowledged(id);
                if (i >= warmup) {
                    took.add((System.nanoTime() - start) / 1e6);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return took;
    }

    /**
     * Makes the gateway that will use {@code stateDir} keep its journal in {@code journalDir}: an
     * empty journal created in a new directory there, and a symbolic link to it in the state
     * directory. The replay store and everything else stay in {@code stateDir}. A compaction would
     * replace the link with a regular file in {@code stateDir}: check {@link Files#isSymbolicLink}
     * on {@code stateDir.resolve(JOURNAL_FILE)} afterwards.
     *
     * @return the new directory in {@code journalDir}, for the caller to delete
     */
    static Path placeJournal(Path stateDir, Path journalDir) throws IOException {
        Files.createDirectories(stateDir);
        Path dir = Files.createTempDirectory(journalDir, "command-benchmark-journal");
        Path target = dir.resolve(JOURNAL_FILE);
        CommandJournal.open(target, Clock.systemUTC()).close();
        Files.createSymbolicLink(stateDir.resolve(JOURNAL_FILE), target);
        return dir;
    }
}
