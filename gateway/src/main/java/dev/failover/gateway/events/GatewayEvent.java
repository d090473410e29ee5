package dev.failover.gateway.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something the gateway decided or observed, with its reason: the unit of the event log, of MQTT
 * reports and of the audit trail.
 *
 * @param time wall-clock time of the event
 * @param type what happened, for example {@code SWITCHOVER_COMPLETED} (see docs/architecture.md)
 * @param pair the pair it concerns
 * @param controller the controller it concerns, or empty
 * @param message a sentence for people
 * @param fields structured details (numbers, ids), in insertion order
 */
public record GatewayEvent(
        Instant time, String type, String pair, String controller, String message, Map<String, Object> fields) {

    public GatewayEvent {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
