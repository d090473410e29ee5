package dev.failover.hardware;

/**
 * All box I/O of one controller pair, as built from a {@link HardwareConfig}.
 *
 * <p>Thread-safety: the parts are thread-safe; {@link #close} must not race with their use.
 */
public interface PairHardware extends AutoCloseable {

    /** The pair's output-enable relays. */
    OutputEnableRelays outputEnableRelays();

    /** The pair's status LEDs. */
    StatusLeds statusLeds();

    /** The pair's manual switchover key. */
    ManualSwitchInput manualSwitch();

    /**
     * Releases the GPIO lines: relays de-energised (both controllers' outputs enabled, as when the box
     * is unpowered), LEDs dark, key listeners dropped. Idempotent.
     */
    @Override
    void close();
}
