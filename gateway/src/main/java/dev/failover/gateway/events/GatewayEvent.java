package dev.failover.gateway.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something the gateway decided or observed, with its reason: the unit of the event log, of MQTT
 * reports and of the audit trail. What happened is the {@link #detail()}, one record type per kind
 * of event ({@link EventDetail}); the envelope says when, where and, for people, what in words.
 *
 * @param time wall-clock time of the event
 * @param pair the pair it concerns, or empty for the gateway as a whole
 * @param controller the controller it concerns, or empty
 * @param message a sentence for people
 * @param detail what happened, with its fields
 */
public record GatewayEvent(Instant time, String pair, String controller, String message, EventDetail detail) {

    public GatewayEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(controller, "controller");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(detail, "detail");
    }

    /** The event type as the event log writes it, for example {@code SWITCHOVER_COMPLETED}. */
    public String type() {
        return detail.type();
    }

    /** The detail's fields as the event log writes them, in order. */
    public Map<String, Object> fields() {
        return detail.fields();
    }

    /** Whether this event is of the kind {@code kind}. */
    public boolean is(Class<? extends EventDetail> kind) {
        return kind.isInstance(detail);
    }
}
