package dev.failover.gateway.box;

import dev.failover.hardware.HardwareConfig;
import dev.failover.hardware.PairHardware;
import dev.failover.hardware.pi4j.Pi4jGpio;
import java.util.function.Function;

/**
 * The box's GPIO as the gateway opens it in production: Pi4J is started on the first pair that has a
 * box ({@link Pi4jGpio#autoDetect()}, once per gateway) and shut down by {@link #close}. A gateway
 * without boxes never starts Pi4J, so it runs anywhere, not only on a Raspberry Pi.
 *
 * <p>Thread-safe.
 */
public final class AutoDetectedGpio implements Function<HardwareConfig, PairHardware>, AutoCloseable {

    private Pi4jGpio gpio;

    /**
     * Opens one pair's box I/O, starting Pi4J first if this is the first pair.
     *
     * @throws dev.failover.hardware.HardwareException if Pi4J finds no GPIO or a line cannot be claimed
     */
    @Override
    public synchronized PairHardware apply(HardwareConfig config) {
        if (gpio == null) {
            gpio = Pi4jGpio.autoDetect();
        }
        return gpio.open(config);
    }

    /** Shuts Pi4J down if it was started; call after every pair's hardware is closed. */
    @Override
    public synchronized void close() {
        if (gpio != null) {
            gpio.close();
            gpio = null;
        }
    }
}
