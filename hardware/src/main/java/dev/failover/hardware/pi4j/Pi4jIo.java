package dev.failover.hardware.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import dev.failover.hardware.GpioPin;
import dev.failover.hardware.HardwareException;

/**
 * Creating GPIO lines and mapping between our "active" and Pi4J's HIGH/LOW, in one place.
 *
 * <p>Every call into Pi4J here catches {@link RuntimeException}: Pi4J and its gpiod library report
 * driver failures with several unrelated unchecked types, and none of them may leak past this package.
 */
final class Pi4jIo {

    private Pi4jIo() {}

    /** The Pi4J id of one line of a pair, e.g. {@code pair-1.relay.plc-a.coil}; unique per context. */
    static String id(String pairId, String part) {
        return pairId + "." + part;
    }

    static DigitalState level(GpioPin pin, boolean active) {
        return active != pin.activeLow() ? DigitalState.HIGH : DigitalState.LOW;
    }

    static boolean isActive(GpioPin pin, DigitalState state) {
        return switch (state) {
            case HIGH -> !pin.activeLow();
            case LOW -> pin.activeLow();
            case UNKNOWN -> throw new HardwareException(HardwareException.Reason.READ, pin + " reads UNKNOWN");
        };
    }

    /**
     * An output that starts inactive and returns to inactive when it is shut down. The initial state
     * must be explicit: without it Pi4J reports the output as UNKNOWN until the first write.
     */
    static DigitalOutput output(Context pi4j, String id, String name, GpioPin pin) {
        DigitalState inactive = level(pin, false);
        try {
            return pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                    .id(id)
                    .name(name)
                    .address(pin.bcm())
                    .initial(inactive)
                    .shutdown(inactive));
        } catch (RuntimeException e) {
            throw new HardwareException(
                    HardwareException.Reason.SETUP,
                    "cannot open " + pin + " as output " + id + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * An input pulled towards its inactive level, so that a broken wire reads inactive.
     *
     * @param debounceMicros the driver's own debounce; 0 hands every edge to the caller
     */
    static DigitalInput input(Context pi4j, String id, String name, GpioPin pin, long debounceMicros) {
        try {
            return pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                    .id(id)
                    .name(name)
                    .address(pin.bcm())
                    .pull(pin.activeLow() ? PullResistance.PULL_UP : PullResistance.PULL_DOWN)
                    .debounce(debounceMicros));
        } catch (RuntimeException e) {
            throw new HardwareException(
                    HardwareException.Reason.SETUP,
                    "cannot open " + pin + " as input " + id + ": " + e.getMessage(),
                    e);
        }
    }

    static void write(DigitalOutput output, GpioPin pin, boolean active) {
        try {
            output.state(level(pin, active));
        } catch (RuntimeException e) {
            throw new HardwareException(
                    HardwareException.Reason.WRITE,
                    "cannot drive " + pin + " " + (active ? "active" : "inactive") + ": " + e.getMessage(),
                    e);
        }
    }

    static boolean read(DigitalInput input, GpioPin pin) {
        DigitalState state;
        try {
            state = input.state();
        } catch (RuntimeException e) {
            throw new HardwareException(HardwareException.Reason.READ, "cannot read " + pin + ": " + e.getMessage(), e);
        }
        return isActive(pin, state);
    }

    /** Shuts a line down (outputs fall to their shutdown level) and unregisters it from the context. */
    static void release(Context pi4j, String id) {
        if (pi4j.registry().exists(id)) {
            pi4j.shutdown(id);
        }
    }
}
