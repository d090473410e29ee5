package dev.failover.hardware;

/**
 * A controller pair's status LEDs on the box front: green, amber and red, steady.
 *
 * <p>Thread-safety: safe for use by several threads; the last {@link #show} wins.
 */
public interface StatusLeds {

    /**
     * Shows the pattern until the next call.
     *
     * @throws HardwareException if an LED output could not be driven
     */
    void show(LedPattern pattern);

    /** The pattern last shown; {@link LedPattern#OFF} before the first call. */
    LedPattern showing();
}
