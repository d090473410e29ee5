package dev.failover.gateway.supervisor;

import dev.failover.gateway.journal.AcknowledgedValue;
import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.journal.PendingCommand;
import dev.failover.gateway.journal.TagWrite;
import dev.failover.gateway.mirror.Explained;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the command journal explains of a pair's tag values, for the mirror's change watch: the
 * latest acknowledged writes, the writes in progress, and the writes a gateway crash interrupted
 * (journaled, so made by this gateway, maybe on the active) until a later acknowledged write of their
 * tag supersedes them.
 */
final class Explanations {

    /** An interrupted write, and the acknowledged write of its tag it came after. */
    private record Interrupted(double raw, String supersededBy) {}

    private final CommandJournal journal;
    private final String pair;
    private final Map<String, List<Interrupted>> interrupted = new HashMap<>();

    Explanations(CommandJournal journal, String pair, List<PendingCommand> interruptedAtStart) {
        this.journal = journal;
        this.pair = pair;
        Map<String, AcknowledgedValue> acknowledged = journal.latestAcknowledgedValues(pair);
        for (PendingCommand p : interruptedAtStart) {
            if (!p.command().pair().equals(pair)) {
                continue;
            }
            for (TagWrite w : p.command().writes()) {
                AcknowledgedValue ack = acknowledged.get(w.tag());
                interrupted
                        .computeIfAbsent(w.tag(), t -> new ArrayList<>())
                        .add(new Interrupted(w.raw(), ack == null ? "" : ack.commandId()));
            }
        }
    }

    /** What the journal explains now: see {@link #of}, with the interrupted writes not superseded. */
    Map<String, Explained> now() {
        Map<String, Explained> out = of(journal, pair);
        if (interrupted.isEmpty()) {
            return out;
        }
        Map<String, AcknowledgedValue> acknowledged = journal.latestAcknowledgedValues(pair);
        Map<String, Explained> with = new HashMap<>(out);
        interrupted.forEach((tag, writes) -> {
            AcknowledgedValue ack = acknowledged.get(tag);
            String latest = ack == null ? "" : ack.commandId();
            Set<Double> values = new HashSet<>();
            writes.stream().filter(w -> w.supersededBy().equals(latest)).forEach(w -> values.add(w.raw()));
            if (!values.isEmpty()) {
                Explained e = with.getOrDefault(tag, Explained.NONE);
                values.addAll(e.pending());
                with.put(tag, new Explained(e.acknowledged(), values));
            }
        });
        return with;
    }

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
