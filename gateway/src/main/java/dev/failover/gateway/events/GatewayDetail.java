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

    /**
     * The audit log cannot be written or synced ({@code file}, {@code reason}): events are kept in
     * memory (at most a bounded queue) and control goes on; {@code AUDIT_RECOVERED} when it can again.
     */
    record AuditFailed(String file, String reason) implements GatewayDetail {}

    /** The audit log can be written again after {@code AUDIT_FAILED}. */
    record AuditRecovered(String file) implements GatewayDetail {}

    /** The file system of the audit log is {@code percentUsed} full (80 % or more), {@code usableBytes} left. */
    record AuditCapacity(String directory, int percentUsed, long usableBytes) implements GatewayDetail {}

    /**
     * At start, the audit log was found damaged at record {@code index} ({@code reason}): it was moved
     * aside to {@code movedTo}, kept for the investigation, and a new log begun.
     */
    record AuditLogDamaged(long index, String reason, String movedTo) implements GatewayDetail {}

    /**
     * The gateway started with the configuration in {@code configFile} (its SHA-256 {@code
     * configSha256}, empty when it was not read from a file), {@code pairs} pairs, {@code secure}: with a
     * security section.
     */
    record GatewayStarted(String configFile, String configSha256, int pairs, boolean secure) implements GatewayDetail {}

    /**
     * The gateway reaches the MQTT broker {@code broker} (again) and publishes from audit record {@code
     * resumeAt} on: what an outage held back follows the live events.
     */
    record MqttConnected(String broker, long resumeAt) implements GatewayDetail {}

    /**
     * The MQTT broker(s) cannot be reached ({@code reason}): incident response hears nothing new from
     * the gateway until {@code MQTT_CONNECTED}; the events wait in the audit log, none is lost.
     */
    record MqttUnreachable(String brokers, String reason) implements GatewayDetail {}

    /**
     * The broker refused a publish on {@code topic} ({@code reason}, e.g. not authorized by its ACL):
     * the event is published again at the next connection; nothing after it is lost either.
     */
    record MqttRefused(String topic, String reason) implements GatewayDetail {}

    /** The gateway is stopping (a shutdown, not a crash: a crash leaves no such record). */
    record GatewayStopping() implements GatewayDetail {}
}
