package dev.failover.gateway.config;

/**
 * Holding-register addresses of a controller's status block. The gateway reads them in one request
 * from the lowest to the highest address, so keep them close together. Defaults match plc-sim.
 */
public record StatusRegisters(int heartbeat, int status, int role, int flags, int faultCode) {

    public static StatusRegisters defaults() {
        return new StatusRegisters(0, 1, 2, 3, 4);
    }

    public StatusRegisters {
        for (int a : new int[] {heartbeat, status, role, flags, faultCode}) {
            if (a < 0 || a > 65535) {
                throw new IllegalArgumentException("register address must be 0-65535, got " + a);
            }
        }
    }

    public int first() {
        return Math.min(Math.min(Math.min(heartbeat, status), Math.min(role, flags)), faultCode);
    }

    public int count() {
        int last = Math.max(Math.max(Math.max(heartbeat, status), Math.max(role, flags)), faultCode);
        return last - first() + 1;
    }
}
