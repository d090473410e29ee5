package dev.failover.gateway.journal;

import dev.failover.gateway.journal.JournalRecord.Accepted;
import java.util.Set;

/**
 * A command accepted but neither acknowledged nor failed, with what the journal knows of it. After
 * a crash such a command may or may not have reached a controller beyond what is recorded here: a
 * write can land without its {@code AppliedActive} record having been synced.
 *
 * @param command the accepted command and its writes
 * @param appliedActive controllers that confirmed the writes as active
 * @param appliedStandby standbys that hold the writes (applied, or owed and since delivered)
 * @param queuedFor standbys the writes are owed to (see {@link CommandJournal#owedTo(String)})
 */
public record PendingCommand(
        Accepted command, Set<String> appliedActive, Set<String> appliedStandby, Set<String> queuedFor) {

    public PendingCommand {
        appliedActive = Set.copyOf(appliedActive);
        appliedStandby = Set.copyOf(appliedStandby);
        queuedFor = Set.copyOf(queuedFor);
    }

    /** Whether some active controller confirmed the writes. */
    public boolean appliedToActive() {
        return !appliedActive.isEmpty();
    }
}
