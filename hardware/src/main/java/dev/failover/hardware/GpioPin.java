package dev.failover.hardware;

/**
 * One GPIO line of the box, by its BCM (Broadcom SoC) number, and the electrical level that means
 * "active" for the signal on it (relay energised, LED lit, key pressed, auxiliary contact closed).
 *
 * <p>Immutable.
 *
 * @param bcm BCM GPIO number, 0 to {@value #MAX_BCM} (the 40-pin header carries 2 to 27)
 * @param activeLow {@code true} when the signal is active at the LOW level (for example a key that
 *     pulls an input with a pull-up to ground, or a relay board whose driver switches on LOW)
 */
public record GpioPin(int bcm, boolean activeLow) {

    /** Highest GPIO number of the BCM283x/BCM2711 family. */
    public static final int MAX_BCM = 53;

    public GpioPin {
        if (bcm < 0 || bcm > MAX_BCM) {
            throw new IllegalArgumentException("GPIO BCM " + bcm + " is out of range: use a BCM number from 0 to "
                    + MAX_BCM + " (not a header pin number)");
        }
    }

    /** A signal that is active at the HIGH level. */
    public static GpioPin activeHigh(int bcm) {
        return new GpioPin(bcm, false);
    }

    /** A signal that is active at the LOW level. */
    public static GpioPin activeLow(int bcm) {
        return new GpioPin(bcm, true);
    }

    /** Returns for example {@code "BCM 17"} or {@code "BCM 17 (active low)"}, as logs and results name pins. */
    @Override
    public String toString() {
        return activeLow ? "BCM " + bcm + " (active low)" : "BCM " + bcm;
    }
}
