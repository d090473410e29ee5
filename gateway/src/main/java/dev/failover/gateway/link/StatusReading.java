package dev.failover.gateway.link;

/**
 * One consistent reading of a controller's status block.
 *
 * @param heartbeat the controller's heartbeat counter (16 bits, wraps)
 * @param status the reported run status
 * @param role the reported runtime role
 * @param outputsEnabled whether the controller's output-enable input is on
 * @param driving whether the controller reports that it drives its outputs now
 * @param faultCode the controller's fault code, 0 for none
 */
public record StatusReading(
        int heartbeat, RunStatus status, RuntimeRole role, boolean outputsEnabled, boolean driving, int faultCode) {}
