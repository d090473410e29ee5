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
 * @param partner what the controller reports of its partner over its own partner link
 */
public record StatusReading(
        int heartbeat,
        RunStatus status,
        RuntimeRole role,
        boolean outputsEnabled,
        boolean driving,
        int faultCode,
        PartnerView partner) {

    /** A reading of a controller that reports no partner link. */
    public StatusReading(
            int heartbeat, RunStatus status, RuntimeRole role, boolean outputsEnabled, boolean driving, int faultCode) {
        this(heartbeat, status, role, outputsEnabled, driving, faultCode, PartnerView.NONE);
    }

    /**
     * Decodes the status block's registers or variables. Flags: bit 0 output-enable input on, bit 1
     * driving, bit 3 partner alive, bit 4 the controller has a partner link (docs/plc-sim.md).
     */
    public static StatusReading decode(int heartbeat, int status, int role, int flags, int faultCode) {
        return new StatusReading(
                heartbeat,
                RunStatus.fromCode(status),
                RuntimeRole.fromCode(role),
                (flags & 1) != 0,
                (flags & 2) != 0,
                faultCode,
                PartnerView.fromFlags(flags));
    }
}
