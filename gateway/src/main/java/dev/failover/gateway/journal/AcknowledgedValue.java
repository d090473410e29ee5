package dev.failover.gateway.journal;

/**
 * The latest acknowledged value of one tag: what every controller that becomes active must hold.
 *
 * @param raw the raw value, as written to the controller
 * @param commandId the acknowledged command that wrote it
 */
public record AcknowledgedValue(double raw, String commandId) {}
