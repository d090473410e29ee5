package dev.failover.hardware;

import java.time.Duration;
import java.util.Optional;

/**
 * One relay driven by a GPIO output, optionally with an input reading its auxiliary contact
 * (feedback), so that the gateway can tell what it commanded from what the relay did.
 *
 * <p>Semantics: {@link #energized()} is the state last commanded by {@link #energize(boolean)}, never
 * a reading; {@link #feedback()} is the reading, and is empty when no feedback contact is wired. The
 * two disagree while the relay is moving (a few ms) and when it is broken (welded contact, open coil,
 * cut wire).
 *
 * <p>Thread-safety: implementations are safe for use by several threads; writes are serialised.
 */
public interface Relay {

    /** The output driving the coil. */
    GpioPin coilPin();

    /** The input reading the auxiliary contact, if one is wired. */
    Optional<GpioPin> feedbackPin();

    /**
     * Commands the coil: {@code true} energises the relay, {@code false} releases it.
     *
     * @throws HardwareException if the GPIO write failed; {@link #energized()} then keeps its old value
     */
    void energize(boolean on);

    /** The state last commanded; {@code false} before the first command. */
    boolean energized();

    /**
     * Reads the auxiliary contact now.
     *
     * @return whether the relay reports itself energised; empty when no feedback input is wired
     * @throws HardwareException if the input could not be read
     */
    Optional<Boolean> feedback();

    /**
     * Waits until the feedback reads {@code energized} or {@code timeout} passes, whichever is first,
     * without polling: the feedback input's change events wake the caller.
     *
     * @return the last feedback reading (equal to {@code energized} unless the wait timed out); empty
     *     at once when no feedback input is wired
     * @throws InterruptedException if the calling thread was interrupted while waiting
     * @throws HardwareException if the input could not be read
     */
    Optional<Boolean> awaitFeedback(boolean energized, Duration timeout) throws InterruptedException;
}
