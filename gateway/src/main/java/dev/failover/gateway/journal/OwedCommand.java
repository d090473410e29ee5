package dev.failover.gateway.journal;

import dev.failover.gateway.journal.JournalRecord.Accepted;

/**
 * A command whose writes are durably owed to a standby that was down when it ran.
 *
 * @param command the command and its writes
 * @param acknowledged whether it was acknowledged; a pending owed command may still fail (then it is
 *     owed no more)
 */
public record OwedCommand(Accepted command, boolean acknowledged) {}
