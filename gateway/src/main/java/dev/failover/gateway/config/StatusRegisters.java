package dev.failover.gateway.config;

/**
 * Holding-register addresses of a controller's status block, and of its role command block. The
 * gateway reads the status registers in one request from the lowest to the highest address, so keep
 * them close together. Defaults match plc-sim.
 *
 * @param roleCommand first register of the role command block ({@value #ROLE_COMMAND_REGISTERS}
 *     registers: the deadline as unsigned 64-bit epoch milliseconds, high word first, then the role),
 *     which the gateway writes in one request so that a controller refuses a role change the gateway
 *     has stopped waiting for; {@link #NO_ROLE_COMMAND} to write the {@code role} register instead,
 *     without a deadline, for controllers that have no such block
 */
public record StatusRegisters(int heartbeat, int status, int role, int flags, int faultCode, int roleCommand) {

    /** {@link #roleCommand()} of a controller without a role command block. */
    public static final int NO_ROLE_COMMAND = -1;

    /** plc-sim's role command block. */
    public static final int DEFAULT_ROLE_COMMAND = 30;

    /** Registers in the role command block: four of deadline, one of role. */
    public static final int ROLE_COMMAND_REGISTERS = 5;

    /** Highest first register of a role command block: its last register must be 65535 or less. */
    public static final int MAX_ROLE_COMMAND = 65535 - ROLE_COMMAND_REGISTERS + 1;

    public static StatusRegisters defaults() {
        return new StatusRegisters(0, 1, 2, 3, 4, DEFAULT_ROLE_COMMAND);
    }

    public StatusRegisters {
        for (int a : new int[] {heartbeat, status, role, flags, faultCode}) {
            if (a < 0 || a > 65535) {
                throw new IllegalArgumentException("register address must be 0-65535, got " + a);
            }
        }
        if (roleCommand != NO_ROLE_COMMAND && (roleCommand < 0 || roleCommand > MAX_ROLE_COMMAND)) {
            throw new IllegalArgumentException("the role command block must start at 0-" + MAX_ROLE_COMMAND + " (or be "
                    + NO_ROLE_COMMAND + " for none), got " + roleCommand);
        }
    }

    /** Status registers with plc-sim's role command block at {@value #DEFAULT_ROLE_COMMAND}. */
    public StatusRegisters(int heartbeat, int status, int role, int flags, int faultCode) {
        this(heartbeat, status, role, flags, faultCode, DEFAULT_ROLE_COMMAND);
    }

    /** Whether role changes are written as deadlined role commands. */
    public boolean hasRoleCommand() {
        return roleCommand != NO_ROLE_COMMAND;
    }

    /** These registers with the role command block at {@code address} ({@link #NO_ROLE_COMMAND} for none). */
    public StatusRegisters withRoleCommand(int address) {
        return new StatusRegisters(heartbeat, status, role, flags, faultCode, address);
    }

    public int first() {
        return Math.min(Math.min(Math.min(heartbeat, status), Math.min(role, flags)), faultCode);
    }

    public int count() {
        int last = Math.max(Math.max(Math.max(heartbeat, status), Math.max(role, flags)), faultCode);
        return last - first() + 1;
    }
}
