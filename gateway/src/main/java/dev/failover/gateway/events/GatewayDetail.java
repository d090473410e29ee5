package dev.failover.gateway.events;

import java.time.Instant;

/** Events of the gateway as a whole: start-up repairs and the summaries of repeated events. */
public sealed interface GatewayDetail extends EventDetail {

    /** At start, the journal's last record was cut short by a crash and was dropped (never acknowledged). */
    record JournalRecovered(String file, long truncatedAt, long bytesDropped) implements GatewayDetail {}

    /**
     * Identical events of a retried step, or refusals of one {@code reason} at one of the gateway's
     * doors, counted (safety rule 7): {@code repeats} more of {@code repeatedType} between {@code
     * firstAt} and {@code lastAt}.
     */
    record EventsRepeated(String repeatedType, String reason, int repeats, Instant firstAt, Instant lastAt)
            implements GatewayDetail {}
}
