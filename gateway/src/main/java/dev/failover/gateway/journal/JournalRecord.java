package dev.failover.gateway.journal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One record of the command journal. A command is {@link Accepted} (synced before it runs), then
 * gains state records, and ends {@link Acknowledged} or {@link Failed}. {@link Retained} exists only
 * in compacted files: an acknowledged command that is still needed, in one record.
 *
 * <p>The constructors check every field (non-empty texts of at most {@value #MAX_TEXT_BYTES} bytes
 * of UTF-8, finite values, at most {@value #MAX_WRITES} distinct tags per command), so that a record
 * that exists can always be encoded, and a decoded record that breaks a rule is corruption.
 */
public sealed interface JournalRecord {

    /** The longest text field (id, pair, tag, controller, signer, reason), in bytes of UTF-8. */
    int MAX_TEXT_BYTES = 2048;

    /** The most tag writes one command may carry. */
    int MAX_WRITES = 1024;

    /** The command this record is about. */
    String commandId();

    /**
     * A command that writes tags, accepted by the guard, journaled before it runs.
     *
     * @param commandId the command's unique id (the signed nonce, or the id of a user write)
     * @param pair the pair it targets
     * @param writes the tag writes, in order, each tag at most once
     * @param acceptedAt when the journal recorded it (the journal's clock)
     * @param signer who signed or wrote it, for the record
     */
    record Accepted(String commandId, String pair, List<TagWrite> writes, Instant acceptedAt, String signer)
            implements JournalRecord {
        public Accepted {
            checkText("commandId", commandId);
            checkText("pair", pair);
            checkText("signer", signer);
            Objects.requireNonNull(acceptedAt, "acceptedAt");
            writes = List.copyOf(writes);
            if (writes.isEmpty() || writes.size() > MAX_WRITES) {
                throw new IllegalArgumentException(
                        "a command writes 1 to " + MAX_WRITES + " tags, not " + writes.size() + " (" + commandId + ")");
            }
            Set<String> tags = new HashSet<>();
            for (TagWrite w : writes) {
                if (!tags.add(w.tag())) {
                    throw new IllegalArgumentException(
                            "command " + commandId + " writes tag " + w.tag() + " twice; a command writes a tag once");
                }
            }
        }
    }

    /** The active controller {@code controllerId} confirmed the command's writes (read back). */
    record AppliedActive(String commandId, String controllerId) implements JournalRecord {
        public AppliedActive {
            checkText("commandId", commandId);
            checkText("controllerId", controllerId);
        }
    }

    /** The standby controller {@code controllerId} holds the command's writes. */
    record AppliedStandby(String commandId, String controllerId) implements JournalRecord {
        public AppliedStandby {
            checkText("commandId", commandId);
            checkText("controllerId", controllerId);
        }
    }

    /**
     * The standby controller {@code controllerId} is down: the command's writes are owed to it, until
     * a {@link DeliveredToStandby}.
     */
    record StandbyQueued(String commandId, String controllerId) implements JournalRecord {
        public StandbyQueued {
            checkText("commandId", commandId);
            checkText("controllerId", controllerId);
        }
    }

    /** The owed writes of the command were applied to {@code controllerId}: it owes nothing more. */
    record DeliveredToStandby(String commandId, String controllerId) implements JournalRecord {
        public DeliveredToStandby {
            checkText("commandId", commandId);
            checkText("controllerId", controllerId);
        }
    }

    /** The command was acknowledged to its sender (safety rule 4: it must never be lost). */
    record Acknowledged(String commandId) implements JournalRecord {
        public Acknowledged {
            checkText("commandId", commandId);
        }
    }

    /** The command failed: it is not acknowledged and nothing is owed for it. */
    record Failed(String commandId, String reason) implements JournalRecord {
        public Failed {
            checkText("commandId", commandId);
            checkText("reason", reason);
        }
    }

    /**
     * Written by compaction only: an acknowledged command that still matters, with the writes still
     * needed (those that hold the latest acknowledged value of their tag, or all of them when the
     * command is owed to a standby) and the controllers it is owed to.
     */
    record Retained(Accepted command, List<String> owedTo) implements JournalRecord {
        public Retained {
            Objects.requireNonNull(command, "command");
            owedTo = List.copyOf(owedTo);
            owedTo.forEach(c -> checkText("owedTo", c));
            if (new HashSet<>(owedTo).size() != owedTo.size()) {
                throw new IllegalArgumentException(
                        "command " + command.commandId() + " is owed twice to " + "the same controller: " + owedTo);
            }
        }

        @Override
        public String commandId() {
            return command.commandId();
        }
    }

    static void checkText(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (!new String(utf8, StandardCharsets.UTF_8).equals(value)) {
            // An unpaired surrogate would be written as '?': the record read back would differ.
            throw new IllegalArgumentException(field + " is not valid Unicode text");
        }
        int bytes = utf8.length;
        if (bytes > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException(
                    field + " is " + bytes + " bytes of UTF-8; at most " + MAX_TEXT_BYTES + " are journaled");
        }
    }
}
