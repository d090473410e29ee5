package dev.failover.gateway.link;

/**
 * The gateway's connection to one controller over one protocol. Links expose controller status and
 * tags, never protocol types; the failover logic sees only this interface.
 *
 * <p>Every method blocks for at most the link's response timeout (plus connection set-up) and
 * never throws for a network failure: it returns {@link LinkResult.Failed}. Implementations are
 * thread-safe; calls may be serialised internally.
 */
public interface ControllerLink extends AutoCloseable {

    /** The controller's id from the configuration. */
    String controllerId();

    /** A description of the endpoint for status output, for example {@code modbus-tcp://127.0.0.1:502/1}. */
    String endpoint();

    /** Reads the status block (heartbeat, status, role, flags) in one exchange. */
    LinkResult<StatusReading> readStatus();

    /**
     * Writes the runtime role register, then reads the status block back.
     *
     * @return the status the controller reports after the write
     */
    LinkResult<StatusReading> writeRole(RuntimeRole role);

    /** Reads the status block over the control connection (not the poll connection). */
    LinkResult<StatusReading> readStatusForControl();

    /**
     * Writes consecutive 16-bit registers in one request, then reads them back.
     *
     * @return the values the controller holds afterwards
     */
    LinkResult<int[]> writeRegisters(int address, int[] values);

    /** Whether the link is authenticated and encrypted (Modbus/TCP Security). */
    boolean secure();

    /** Reads {@code count} consecutive 16-bit registers starting at {@code address}. */
    LinkResult<int[]> readRegisters(int address, int count);

    /** Releases the connections. Idempotent. */
    @Override
    void close();
}
