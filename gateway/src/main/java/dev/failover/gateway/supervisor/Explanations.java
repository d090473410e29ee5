package dev.failover.gateway.supervisor;

import dev.failover.gateway.journal.AcknowledgedValue;
import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.journal.PendingCommand;
import dev.failover.gateway.journal.TagWrite;
import dev.failover.gateway.mirror.Explained;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** What the command journal explains of a pair's tag values, for the mirror's change watch. */
final class Explanations {

    private Explanations() {}

    /**
     * By tag name: the latest acknowledged raw value and the raw values of the writes in progress.
     * Both queries are in memory (the journal keeps its state), so this is cheap enough for every
     * mirror cycle.
     */
    static Map<String, Explained> of(CommandJournal journal, String pair) {
        Map<String, AcknowledgedValue> acknowledged = journal.latestAcknowledgedValues(pair);
        Map<String, Set<Double>> pending = new HashMap<>();
        for (PendingCommand p : journal.pending()) {
            if (!p.command().pair().equals(pair)) {
                continue;
            }
            for (TagWrite w : p.command().writes()) {
                pending.computeIfAbsent(w.tag(), t -> new HashSet<>()).add(w.raw());
            }
        }
        Set<String> tags = new HashSet<>(acknowledged.keySet());
        tags.addAll(pending.keySet());
        Map<String, Explained> out = new HashMap<>();
        for (String tag : tags) {
            AcknowledgedValue ack = acknowledged.get(tag);
            out.put(tag, new Explained(ack == null ? null : ack.raw(), pending.getOrDefault(tag, Set.of())));
        }
        return out;
    }
}
