package dev.failover.hardware.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import dev.failover.hardware.GpioPin;
import dev.failover.hardware.LedPattern;
import dev.failover.hardware.LedPins;
import dev.failover.hardware.StatusLeds;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StatusLeds} on three Pi4J digital outputs (green, amber, red), all dark at start and when
 * closed.
 *
 * <p>Thread-safety: {@link #show} is {@code synchronized}, so a pattern is never mixed with another.
 */
public final class Pi4jStatusLeds implements StatusLeds, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pi4jStatusLeds.class);

    private final Context pi4j;
    private final String id;
    private final LedPins pins;
    private final DigitalOutput green;
    private final DigitalOutput amber;
    private final DigitalOutput red;
    private LedPattern showing = LedPattern.OFF;

    /**
     * Claims the three LED lines.
     *
     * @param id Pi4J id prefix, unique in the context; the lines get {@code id + ".green"} etc.
     * @throws dev.failover.hardware.HardwareException if a line cannot be claimed
     */
    public Pi4jStatusLeds(Context pi4j, String id, LedPins pins) {
        this.pi4j = pi4j;
        this.id = id;
        this.pins = pins;
        List<String> opened = new ArrayList<>();
        try {
            this.green = open(opened, "green", pins.green());
            this.amber = open(opened, "amber", pins.amber());
            this.red = open(opened, "red", pins.red());
        } catch (RuntimeException e) {
            opened.forEach(line -> Pi4jIo.release(pi4j, line));
            throw e;
        }
    }

    @Override
    public synchronized void show(LedPattern pattern) {
        Pi4jIo.write(green, pins.green(), pattern.green());
        Pi4jIo.write(amber, pins.amber(), pattern.amber());
        Pi4jIo.write(red, pins.red(), pattern.red());
        if (pattern != showing) {
            log.debug("LEDs {}: {} -> {}", id, showing, pattern);
        }
        showing = pattern;
    }

    @Override
    public synchronized LedPattern showing() {
        return showing;
    }

    /** Darkens the LEDs and releases their lines. */
    @Override
    public synchronized void close() {
        for (String colour : List.of("green", "amber", "red")) {
            Pi4jIo.release(pi4j, id + "." + colour);
        }
        showing = LedPattern.OFF;
    }

    private DigitalOutput open(List<String> opened, String colour, GpioPin pin) {
        String line = id + "." + colour;
        DigitalOutput output = Pi4jIo.output(pi4j, line, colour + " LED " + id, pin);
        opened.add(line);
        return output;
    }
}
