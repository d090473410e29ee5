package dev.failover.gateway.events;

import java.util.Map;

/**
 * What an event says, one record type per kind of event, with its fields as the record's components.
 * The kinds are grouped by the part of the gateway that reports them: {@link PairDetail} (the
 * failover of a pair), {@link CommandDetail} (signed commands and writes), {@link MirrorDetail} (the
 * state mirror), {@link SecurityDetail} (the gateway's doors and insecure modes) and {@link
 * GatewayDetail} (start-up and summaries). Consumers switch over these types; the event log, the log
 * and the status answer see them through {@link #type()} and {@link #fields()}, derived from the
 * record once, so that the wire form cannot drift from the type.
 *
 * <p>The events table of docs/operations.md lists every kind, and a test checks it against these
 * types.
 */
public sealed interface EventDetail permits PairDetail, CommandDetail, MirrorDetail, SecurityDetail, GatewayDetail {

    /**
     * The event type as written to the event log: the record's simple name in upper snake case, for
     * example {@code SWITCHOVER_COMPLETED} for {@link PairDetail.SwitchoverCompleted}.
     */
    default String type() {
        return EventFields.type(getClass());
    }

    /**
     * The record's components in declaration order, as the event log's {@code fields} object: a
     * {@code null} component is left out, an {@link java.time.Instant} is written in ISO-8601.
     */
    default Map<String, Object> fields() {
        return EventFields.of(this);
    }
}
