package dev.failover.hardware.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import dev.failover.hardware.DebouncedPressInput;
import dev.failover.hardware.GpioPin;
import dev.failover.hardware.HardwareException;
import dev.failover.hardware.ManualSwitchInput;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ManualSwitchInput} on a Pi4J digital input. The driver's own debounce is turned off and every
 * edge goes to a {@link DebouncedPressInput}, so debouncing is one piece of code, tested with a fake
 * ticker.
 *
 * <p>Thread-safety: as {@link ManualSwitchInput}; listeners run on the driver's event thread.
 */
public final class Pi4jManualSwitch implements ManualSwitchInput, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pi4jManualSwitch.class);

    private final Context pi4j;
    private final String id;
    private final GpioPin pin;
    private final DebouncedPressInput presses;

    /**
     * Claims the key's input line.
     *
     * @param id Pi4J id of the line, unique in the context
     * @param debounce edges closer together than this are bounces
     * @param nanoTime monotonic ticker in nanoseconds ({@code System::nanoTime} on the box)
     * @throws HardwareException if the line cannot be claimed or read
     */
    public Pi4jManualSwitch(Context pi4j, String id, GpioPin pin, Duration debounce, LongSupplier nanoTime) {
        this.pi4j = pi4j;
        this.id = id;
        this.pin = pin;
        DigitalInput input = Pi4jIo.input(pi4j, id, "manual switchover key " + id, pin, 0);
        try {
            this.presses = new DebouncedPressInput(id, debounce, nanoTime, Pi4jIo.read(input, pin));
        } catch (RuntimeException e) {
            Pi4jIo.release(pi4j, id);
            throw e;
        }
        input.addListener(event -> onEdge(event.state()));
    }

    @Override
    public Registration onPress(Runnable listener) {
        return presses.onPress(listener);
    }

    /** Releases the key's line; listeners are no longer called. */
    @Override
    public void close() {
        Pi4jIo.release(pi4j, id);
    }

    private void onEdge(DigitalState state) {
        try {
            presses.level(Pi4jIo.isActive(pin, state));
        } catch (HardwareException e) {
            log.warn("Manual switch {}: edge with no usable level ignored", id, e);
        }
    }
}
