package dev.failover.hardware.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import dev.failover.hardware.GpioPin;
import dev.failover.hardware.Relay;
import dev.failover.hardware.RelayPins;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Relay} on a Pi4J digital output (the coil driver) and, if wired, a digital input (the
 * auxiliary contact). The coil starts de-energised and is de-energised again when closed.
 *
 * <p>Thread-safety: writes and feedback waits share one lock; the feedback input's change events
 * (delivered on the driver's thread, or synchronously by the mock) wake waiting threads.
 */
public final class Pi4jRelay implements Relay, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pi4jRelay.class);

    private final Context pi4j;
    private final String coilId;
    private final String feedbackId;
    private final RelayPins pins;
    private final DigitalOutput coil;
    private final Optional<DigitalInput> feedback;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition feedbackChanged = lock.newCondition();
    private volatile boolean energized;

    /**
     * Claims the relay's lines.
     *
     * @param pi4j the context to create the lines in
     * @param id Pi4J id prefix of the relay, unique in the context; the lines get {@code id + ".coil"}
     *     and {@code id + ".feedback"}
     * @throws dev.failover.hardware.HardwareException if a line cannot be claimed
     */
    public Pi4jRelay(Context pi4j, String id, RelayPins pins) {
        this.pi4j = pi4j;
        this.coilId = id + ".coil";
        this.feedbackId = id + ".feedback";
        this.pins = pins;
        this.coil = Pi4jIo.output(pi4j, coilId, "relay coil " + id, pins.coil());
        try {
            // The driver's default debounce (10 ms) only delays wake-ups; each wake-up reads the level itself.
            this.feedback = pins.feedback().map(pin -> Pi4jIo.input(pi4j, feedbackId, "relay feedback " + id, pin, 0));
        } catch (RuntimeException e) {
            Pi4jIo.release(pi4j, coilId);
            throw e;
        }
        feedback.ifPresent(input -> input.addListener(event -> signalFeedbackChanged()));
    }

    @Override
    public GpioPin coilPin() {
        return pins.coil();
    }

    @Override
    public Optional<GpioPin> feedbackPin() {
        return pins.feedback();
    }

    @Override
    public void energize(boolean on) {
        lock.lock();
        try {
            Pi4jIo.write(coil, pins.coil(), on);
            energized = on;
            log.debug("Relay {} {} on {}", coilId, on ? "energised" : "released", pins.coil());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean energized() {
        return energized;
    }

    @Override
    public Optional<Boolean> feedback() {
        return feedback.map(input -> Pi4jIo.read(input, pins.feedback().orElseThrow()));
    }

    @Override
    public Optional<Boolean> awaitFeedback(boolean wanted, Duration timeout) throws InterruptedException {
        if (feedback.isEmpty()) {
            return Optional.empty();
        }
        lock.lock();
        try {
            long remaining = timeout.toNanos();
            boolean seen = feedback().orElseThrow();
            while (seen != wanted && remaining > 0) {
                remaining = feedbackChanged.awaitNanos(remaining);
                seen = feedback().orElseThrow();
            }
            return Optional.of(seen);
        } finally {
            lock.unlock();
        }
    }

    /** De-energises the coil (shutdown level) and releases the lines. */
    @Override
    public void close() {
        Pi4jIo.release(pi4j, coilId);
        Pi4jIo.release(pi4j, feedbackId);
        energized = false;
    }

    private void signalFeedbackChanged() {
        lock.lock();
        try {
            feedbackChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
