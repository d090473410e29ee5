package dev.failover.hardware.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import dev.failover.hardware.HardwareConfig;
import dev.failover.hardware.HardwareException;
import dev.failover.hardware.PairHardware;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one Pi4J context, owned here so that code outside this package never touches a Pi4J
 * type: the gateway calls {@link #autoDetect()} once, {@link #open} per pair, and {@link #close} at
 * shutdown.
 *
 * <p>Thread-safety: {@link #open} may be called from several threads (Pi4J's registry is
 * synchronised); {@link #close} must come after the pairs are closed or no longer used.
 */
public final class Pi4jGpio implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pi4jGpio.class);

    private final Context pi4j;

    Pi4jGpio(Context pi4j) {
        this.pi4j = pi4j;
    }

    /**
     * Starts Pi4J with the plugins found on the classpath. On the box that is the gpiod provider
     * ({@code com.pi4j:pi4j-plugin-gpiod}); off a Raspberry Pi Pi4J also takes mock plugins if present.
     *
     * @throws HardwareException if Pi4J cannot start or finds no digital GPIO provider
     */
    public static Pi4jGpio autoDetect() {
        Context context;
        try {
            context = Pi4J.newAutoContext();
        } catch (RuntimeException e) {
            throw new HardwareException(HardwareException.Reason.SETUP, "cannot start Pi4J: " + e.getMessage(), e);
        }
        if (!context.hasProvider(IOType.DIGITAL_OUTPUT) || !context.hasProvider(IOType.DIGITAL_INPUT)) {
            context.shutdown();
            throw new HardwareException(
                    HardwareException.Reason.SETUP,
                    "Pi4J found no digital GPIO provider: on the box, put com.pi4j:pi4j-plugin-gpiod on the classpath"
                            + " (docs/hardware.md)");
        }
        log.info(
                "Pi4J started with GPIO providers {} and {}",
                context.provider(IOType.DIGITAL_OUTPUT).id(),
                context.provider(IOType.DIGITAL_INPUT).id());
        return new Pi4jGpio(context);
    }

    /** Opens a pair's I/O with {@link System#nanoTime} as the debounce ticker; see {@link Pi4jHardware#open}. */
    public PairHardware open(HardwareConfig config) {
        return Pi4jHardware.open(pi4j, config);
    }

    /** Opens a pair's I/O; see {@link Pi4jHardware#open(Context, HardwareConfig, LongSupplier)}. */
    public PairHardware open(HardwareConfig config, LongSupplier nanoTime) {
        return Pi4jHardware.open(pi4j, config, nanoTime);
    }

    /** Shuts Pi4J down: every line still claimed goes to its shutdown level (relays released, LEDs dark). */
    @Override
    public void close() {
        try {
            pi4j.shutdown();
        } catch (RuntimeException e) {
            throw new HardwareException(HardwareException.Reason.SETUP, "Pi4J shutdown failed: " + e.getMessage(), e);
        }
    }
}
