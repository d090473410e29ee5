package dev.failover.gateway.journal;

import dev.failover.gateway.journal.JournalRecord.Accepted;
import dev.failover.gateway.journal.JournalRecord.Acknowledged;
import dev.failover.gateway.journal.JournalRecord.AppliedActive;
import dev.failover.gateway.journal.JournalRecord.AppliedStandby;
import dev.failover.gateway.journal.JournalRecord.DeliveredToStandby;
import dev.failover.gateway.journal.JournalRecord.Failed;
import dev.failover.gateway.journal.JournalRecord.Retained;
import dev.failover.gateway.journal.JournalRecord.StandbyQueued;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the journal's records add up to, with the rules that say which record may follow which. Pure
 * and not thread-safe: {@link CommandJournal} guards it.
 *
 * <p>Orders: acknowledged commands in the order of their acknowledgement; pending ones in the order
 * they were accepted; what a standby is owed, its acknowledged commands in acknowledgement order and
 * then its pending ones in the order they were queued for it (the order they ran in: commands may be
 * accepted concurrently, but run one at a time per pair). Compaction keeps these orders.
 */
final class JournalState {

    private static final class Entry {
        final Accepted command;
        final Set<String> appliedActive = new LinkedHashSet<>();
        final Set<String> appliedStandby = new LinkedHashSet<>();
        final Set<String> queuedFor = new LinkedHashSet<>();
        /** When it was queued for each controller: {@link #queued}'s count then. */
        final Map<String, Long> queuedAt = new HashMap<>();

        Entry(Accepted command) {
            this.command = command;
        }

        PendingCommand view() {
            return new PendingCommand(command, appliedActive, appliedStandby, queuedFor);
        }
    }

    private final Map<String, Entry> pending = new LinkedHashMap<>();
    private final Map<String, Accepted> acknowledged = new LinkedHashMap<>();
    private final Map<String, Map<String, AcknowledgedValue>> latest = new HashMap<>();
    /** Per controller, the acknowledged commands owed to it, in acknowledgement order. */
    private final Map<String, Set<String>> owedAcknowledged = new HashMap<>();

    private final Set<String> failed = new HashSet<>();
    /** When each failed command was accepted: for {@link #commandIds()}. */
    private final Map<String, Instant> failedAcceptedAt = new HashMap<>();
    /** StandbyQueued records applied so far: orders the pending commands owed to a standby. */
    private long queued;

    /** A state built from records that must follow the rules (compaction output): a bug otherwise. */
    static JournalState replay(List<JournalRecord> records) {
        JournalState state = new JournalState();
        records.forEach(state::apply);
        return state;
    }

    /** Why {@code r} cannot follow the records applied so far; empty when it can. */
    Optional<String> violation(JournalRecord r) {
        String id = r.commandId();
        return switch (r) {
            case Accepted a -> known(id);
            case Retained a -> known(id);
            case AppliedActive a ->
                pendingOr(id, "applied to an active controller")
                        .or(() -> already(pending.get(id).appliedActive, a.controllerId(), id, "applied to active"));
            case AppliedStandby a ->
                pendingOr(id, "applied to a standby")
                        .or(() -> already(pending.get(id).appliedStandby, a.controllerId(), id, "applied to standby"))
                        .or(() -> pending.get(id).queuedFor.contains(a.controllerId())
                                ? Optional.of("command " + id + " is owed to " + a.controllerId()
                                        + ": record its delivery, not a second application")
                                : Optional.empty());
            case StandbyQueued q ->
                pendingOr(id, "queued for a standby")
                        .or(() -> already(pending.get(id).queuedFor, q.controllerId(), id, "queued for"))
                        .or(() -> already(pending.get(id).appliedStandby, q.controllerId(), id, "applied to standby"));
            case DeliveredToStandby d ->
                isOwed(id, d.controllerId())
                        ? Optional.empty()
                        : Optional.of("command " + id + " is not owed to " + d.controllerId());
            case Acknowledged a -> pendingOr(id, "acknowledged").or(() -> ackable(pending.get(id)));
            case Failed f -> pendingOr(id, "failed");
        };
    }

    /** Applies a record the rules allow. */
    void apply(JournalRecord r) {
        violation(r).ifPresent(v -> {
            throw new IllegalStateException(v);
        });
        String id = r.commandId();
        switch (r) {
            case Accepted a -> pending.put(id, new Entry(a));
            case AppliedActive a -> pending.get(id).appliedActive.add(a.controllerId());
            case AppliedStandby a -> pending.get(id).appliedStandby.add(a.controllerId());
            case StandbyQueued q -> {
                Entry e = pending.get(id);
                e.queuedFor.add(q.controllerId());
                e.queuedAt.put(q.controllerId(), ++queued);
            }
            case DeliveredToStandby d -> {
                Entry e = pending.get(id);
                if (e != null) {
                    e.queuedFor.remove(d.controllerId());
                    e.queuedAt.remove(d.controllerId());
                    e.appliedStandby.add(d.controllerId());
                } else {
                    Set<String> owed = owedAcknowledged.get(d.controllerId());
                    owed.remove(id);
                    if (owed.isEmpty()) {
                        owedAcknowledged.remove(d.controllerId());
                    }
                }
            }
            case Acknowledged a -> {
                Entry e = pending.remove(id);
                acknowledge(e.command, e.queuedFor);
            }
            case Failed f -> {
                // A failed command is owed to nobody: its writes are not to be applied anywhere.
                Entry e = pending.remove(id);
                failed.add(id);
                failedAcceptedAt.put(id, e.command.acceptedAt());
            }
            case Retained t -> acknowledge(t.command(), t.owedTo());
        }
    }

    private void acknowledge(Accepted command, Iterable<String> owedTo) {
        acknowledged.put(command.commandId(), command);
        Map<String, AcknowledgedValue> tags = latest.computeIfAbsent(command.pair(), p -> new TreeMap<>());
        for (TagWrite w : command.writes()) {
            tags.put(w.tag(), new AcknowledgedValue(w.raw(), command.commandId()));
        }
        for (String controller : owedTo) {
            owedAcknowledged
                    .computeIfAbsent(controller, c -> new LinkedHashSet<>())
                    .add(command.commandId());
        }
    }

    private Optional<String> known(String id) {
        if (pending.containsKey(id)) {
            return Optional.of("command " + id + " is already in the journal, pending");
        }
        if (acknowledged.containsKey(id)) {
            return Optional.of("command " + id + " is already in the journal, acknowledged");
        }
        if (failed.contains(id)) {
            return Optional.of("command " + id + " is already in the journal, failed");
        }
        return Optional.empty();
    }

    private Optional<String> pendingOr(String id, String what) {
        if (pending.containsKey(id)) {
            return Optional.empty();
        }
        String state = acknowledged.containsKey(id)
                ? "already acknowledged"
                : failed.contains(id) ? "already failed" : "not in the journal";
        return Optional.of("command " + id + " cannot be " + what + ": it is " + state);
    }

    private static Optional<String> already(Set<String> set, String controller, String id, String what) {
        return set.contains(controller)
                ? Optional.of("command " + id + " is already " + what + " " + controller)
                : Optional.empty();
    }

    private static Optional<String> ackable(Entry e) {
        // Safety rule 4: acknowledged only once written to the active and mirrored or durably queued.
        if (e.appliedActive.isEmpty()) {
            return Optional.of("command " + e.command.commandId()
                    + " cannot be acknowledged: no active controller confirmed its writes");
        }
        if (e.appliedStandby.isEmpty() && e.queuedFor.isEmpty()) {
            return Optional.of("command " + e.command.commandId()
                    + " cannot be acknowledged: no standby holds its writes and none is owed them");
        }
        return Optional.empty();
    }

    private boolean isOwed(String id, String controller) {
        Entry e = pending.get(id);
        if (e != null) {
            return e.queuedFor.contains(controller);
        }
        return owedAcknowledged.getOrDefault(controller, Set.of()).contains(id);
    }

    List<Accepted> acknowledged(String pair) {
        return acknowledged.values().stream().filter(a -> a.pair().equals(pair)).toList();
    }

    Map<String, AcknowledgedValue> latestAcknowledgedValues(String pair) {
        return Collections.unmodifiableMap(new TreeMap<>(latest.getOrDefault(pair, Map.of())));
    }

    List<OwedCommand> owedTo(String controller) {
        List<OwedCommand> owed = new ArrayList<>();
        for (String id : owedAcknowledged.getOrDefault(controller, Set.of())) {
            owed.add(new OwedCommand(acknowledged.get(id), true));
        }
        pending.values().stream()
                .filter(e -> e.queuedFor.contains(controller))
                .sorted(Comparator.comparingLong(e -> e.queuedAt.get(controller)))
                .forEach(e -> owed.add(new OwedCommand(e.command, false)));
        return List.copyOf(owed);
    }

    Set<String> owedControllers() {
        Set<String> controllers = new TreeSet<>(owedAcknowledged.keySet());
        pending.values().forEach(e -> controllers.addAll(e.queuedFor));
        return Collections.unmodifiableSet(controllers);
    }

    /** Every command id the state holds (pending, acknowledged, failed), with the time it was accepted. */
    Map<String, Instant> commandIds() {
        Map<String, Instant> ids = new HashMap<>(failedAcceptedAt);
        pending.forEach((id, e) -> ids.put(id, e.command.acceptedAt()));
        acknowledged.forEach((id, a) -> ids.put(id, a.acceptedAt()));
        return ids;
    }

    List<PendingCommand> pending() {
        return pending.values().stream().map(Entry::view).toList();
    }

    /**
     * The records of a compacted journal: replayed, they give a state with the same latest
     * acknowledged values, owed commands and pending commands as this one. Dropped: failed commands,
     * and acknowledged commands, or writes of them, superseded by a later acknowledgement and owed
     * to nobody.
     */
    List<JournalRecord> compactionRecords() {
        Map<String, List<String>> owedById = new HashMap<>();
        new TreeMap<>(owedAcknowledged)
                .forEach((controller, ids) -> ids.forEach(id ->
                        owedById.computeIfAbsent(id, i -> new ArrayList<>()).add(controller)));
        List<JournalRecord> records = new ArrayList<>();
        for (Accepted a : acknowledged.values()) {
            List<String> owed = owedById.getOrDefault(a.commandId(), List.of());
            if (!owed.isEmpty()) {
                records.add(new Retained(a, owed));
                continue;
            }
            Map<String, AcknowledgedValue> tags = latest.get(a.pair());
            List<TagWrite> still = a.writes().stream()
                    .filter(w -> tags.get(w.tag()).commandId().equals(a.commandId()))
                    .toList();
            if (!still.isEmpty()) {
                records.add(new Retained(
                        new Accepted(a.commandId(), a.pair(), still, a.acceptedAt(), a.signer()), List.of()));
            }
        }
        TreeMap<Long, StandbyQueued> queuedInOrder = new TreeMap<>();
        for (Entry e : pending.values()) {
            String id = e.command.commandId();
            records.add(e.command);
            e.appliedActive.forEach(c -> records.add(new AppliedActive(id, c)));
            e.appliedStandby.forEach(c -> records.add(new AppliedStandby(id, c)));
            e.queuedFor.forEach(c -> queuedInOrder.put(e.queuedAt.get(c), new StandbyQueued(id, c)));
        }
        records.addAll(queuedInOrder.values());
        return records;
    }

    /** Everything the state holds, comparable with {@code equals}: for tests. */
    record View(
            List<Accepted> acknowledged,
            Map<String, Map<String, AcknowledgedValue>> latest,
            Map<String, List<OwedCommand>> owed,
            List<PendingCommand> pending,
            Set<String> failed) {}

    View view() {
        Map<String, List<OwedCommand>> owed = new TreeMap<>();
        owedControllers().forEach(c -> owed.put(c, owedTo(c)));
        Map<String, Map<String, AcknowledgedValue>> values = new TreeMap<>();
        latest.forEach((pair, tags) -> values.put(pair, Map.copyOf(tags)));
        return new View(List.copyOf(acknowledged.values()), values, owed, pending(), Set.copyOf(failed));
    }
}
