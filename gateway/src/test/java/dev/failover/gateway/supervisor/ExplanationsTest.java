package dev.failover.gateway.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.journal.PendingCommand;
import dev.failover.gateway.journal.TagWrite;
import dev.failover.gateway.mirror.Explained;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the journal explains to the mirror's change watch: a write a gateway crash interrupted was
 * made by this gateway (it was journaled), so its value is explained until a later acknowledged write
 * of the tag supersedes it (GatewayKillIT found the case: the active may hold it after the restart).
 */
class ExplanationsTest {

    @TempDir
    Path dir;

    private static void acknowledged(CommandJournal j, String id, double raw) throws Exception {
        j.accepted(id, "tank-1", List.of(new TagWrite("level_setpoint", raw)), "CN=alice");
        j.appliedActive(id, "plc-a");
        j.appliedStandby(id, "plc-b");
        j.acknowledged(id);
    }

    @Test
    void anInterruptedWriteIsExplainedUntilALaterAcknowledgedWriteSupersedesIt() throws Exception {
        try (CommandJournal journal = CommandJournal.open(dir.resolve("journal"), Clock.systemUTC())) {
            acknowledged(journal, "c1", 5000);
            journal.accepted("c2", "tank-1", List.of(new TagWrite("level_setpoint", 9000)), "CN=alice");
            journal.appliedActive("c2", "plc-a");
            List<PendingCommand> interrupted = journal.pending();
            journal.failed("c2", "GATEWAY_RESTARTED_AFTER_WRITE");

            Explanations explanations = new Explanations(journal, "tank-1", interrupted);

            assertThat(Explanations.of(journal, "tank-1").get("level_setpoint"))
                    .as("the journal alone no longer explains it")
                    .isEqualTo(new Explained(5000.0, Set.of()));
            assertThat(explanations.now().get("level_setpoint")).isEqualTo(new Explained(5000.0, Set.of(9000.0)));

            acknowledged(journal, "c3", 6000);

            assertThat(explanations.now().get("level_setpoint")).isEqualTo(new Explained(6000.0, Set.of()));
        }
    }
}
