package dev.failover.hardware;

import java.util.Objects;

/**
 * The GPIO outputs of a pair's three status LEDs; active = lit.
 *
 * <p>Immutable.
 */
public record LedPins(GpioPin green, GpioPin amber, GpioPin red) {

    public LedPins {
        Objects.requireNonNull(green, "green");
        Objects.requireNonNull(amber, "amber");
        Objects.requireNonNull(red, "red");
    }
}
