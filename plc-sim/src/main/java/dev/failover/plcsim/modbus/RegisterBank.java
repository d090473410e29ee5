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

    /**
     * Writes {@code values} from {@code address}, all or nothing.
     *
     * @return {@link BankResult.Written} or {@link BankResult.Rejected}
     */
    BankResult write(int address, int[] values);
}
