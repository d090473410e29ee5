package dev.failover.gateway.journal;

import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers the acknowledged writes a controller missed (it was down when they ran) from the
 * {@link CommandJournal}, in the order they were acknowledged, each command in one write with
 * read-back. Used when a standby comes back (before it may be promoted) and on a takeover (before the
 * new active takes a new command): no acknowledged command is lost by a failover (safety rule 4).
 */
public final class OwedWrites {

    /**
     * What a delivery did.
     *
     * @param commands the commands delivered (0 when nothing was owed)
     * @param failure why it stopped, {@code null} when everything owed was delivered
     */
    public record Delivery(int commands, String failure) {
        public boolean ok() {
            return failure == null;
        }
    }

    private OwedWrites() {}

    /** Whether {@code controllerId} is owed an acknowledged write of {@code pair}. */
    public static boolean owed(CommandJournal journal, PairConfig pair, String controllerId) {
        return !acknowledgedOwed(journal, pair, controllerId).isEmpty();
    }

    /** Writes what {@code controllerId} is owed over {@code link} and records it delivered. */
    public static Delivery deliver(CommandJournal journal, PairConfig pair, String controllerId, ControllerLink link) {
        List<JournalRecord.Accepted> owed = acknowledgedOwed(journal, pair, controllerId);
        List<String> delivered = new ArrayList<>();
        String failure = null;
        for (JournalRecord.Accepted command : owed) {
            List<TagConfig> tags = new ArrayList<>();
            double[] raw = new double[command.writes().size()];
            for (int i = 0; i < raw.length; i++) {
                TagWrite write = command.writes().get(i);
                TagConfig tag = pair.tags().stream()
                        .filter(t -> t.name().equals(write.tag()))
                        .findFirst()
                        .orElse(null);
                if (tag == null) {
                    failure = "command " + command.commandId() + " writes tag " + write.tag() + ", which pair "
                            + pair.name() + " no longer has";
                    break;
                }
                tags.add(tag);
                raw[i] = write.raw();
            }
            if (failure != null) {
                break;
            }
            LinkResult<double[]> result = link.writeTags(tags, raw);
            if (result instanceof LinkResult.Failed<double[]> f) {
                failure = "writing command " + command.commandId() + " to " + controllerId + ": " + f.error() + ": "
                        + f.detail();
                break;
            }
            double[] held = ((LinkResult.Ok<double[]>) result).value();
            if (!java.util.Arrays.equals(held, raw)) {
                failure = controllerId + " holds " + java.util.Arrays.toString(held) + " after command "
                        + command.commandId() + " wrote " + java.util.Arrays.toString(raw);
                break;
            }
            delivered.add(command.commandId());
        }
        if (!delivered.isEmpty()) {
            try {
                journal.allDeliveredToStandby(controllerId, delivered);
            } catch (IOException e) {
                return new Delivery(0, "the journal could not record the delivery to " + controllerId + ": " + e);
            }
        }
        return new Delivery(delivered.size(), failure);
    }

    private static List<JournalRecord.Accepted> acknowledgedOwed(
            CommandJournal journal, PairConfig pair, String controllerId) {
        return journal.owedTo(controllerId).stream()
                .filter(OwedCommand::acknowledged)
                .map(OwedCommand::command)
                .filter(c -> c.pair().equals(pair.name()))
                .toList();
    }
}
