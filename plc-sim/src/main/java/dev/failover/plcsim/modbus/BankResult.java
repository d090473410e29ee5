package dev.failover.plcsim.modbus;

/**
 * Outcome of a {@link RegisterBank} access: values read, a write done, or a Modbus exception.
 *
 * <p>Thread-safe to hand from one thread to another; the array of {@link Values} belongs to the
 * receiver and is not modified by the bank after it returns it.
 */
public sealed interface BankResult {

    /** Registers read, unsigned 16-bit values. */
    record Values(int[] registers) implements BankResult {}

    /** Every register of a write was applied. */
    record Written() implements BankResult {}

    /** Nothing was applied; the server answers this exception. */
    record Rejected(ExceptionCode code) implements BankResult {}
}
