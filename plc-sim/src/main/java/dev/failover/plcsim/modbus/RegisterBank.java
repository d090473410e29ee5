package dev.failover.plcsim.modbus;

/**
 * The holding registers a {@link ModbusServer} serves. Implementations must be thread-safe: every
 * connection thread calls them.
 */
public interface RegisterBank {

    /**
     * Reads {@code count} registers from {@code address} as one consistent snapshot.
     *
     * @return {@link BankResult.Values} or {@link BankResult.Rejected}
     */
    BankResult read(int address, int count);

    /** The writer of a plain Modbus TCP connection, which carries no identity. */
    String PLAIN_WRITER = "plain";

    /**
     * Writes {@code values} from {@code address}, all or nothing.
     *
     * @param writer who writes: the SHA-256 of the client certificate (lower-case hex), {@link
     *     #PLAIN_WRITER}, or empty when unknown
     * @return {@link BankResult.Written} or {@link BankResult.Rejected}
     */
    BankResult write(int address, int[] values, String writer);

    /** A write whose writer is unknown. */
    default BankResult write(int address, int[] values) {
        return write(address, values, "");
    }
}
