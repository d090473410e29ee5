package dev.failover.hardware;

import java.util.Objects;
import java.util.Optional;

/**
 * The GPIO lines of one output-enable relay: the coil driver output and, where wired, the input that
 * reads the relay's auxiliary contact (active when the relay is energised).
 *
 * <p>Immutable.
 *
 * @param coil output driving the relay coil; active = energised
 * @param feedback input reading the auxiliary contact; active = energised; empty when not wired
 */
public record RelayPins(GpioPin coil, Optional<GpioPin> feedback) {

    public RelayPins {
        Objects.requireNonNull(coil, "coil");
        Objects.requireNonNull(feedback, "feedback");
    }

    /** A relay without a feedback contact: cuts through it can never be confirmed. */
    public static RelayPins withoutFeedback(GpioPin coil) {
        return new RelayPins(coil, Optional.empty());
    }

    /** A relay whose auxiliary contact is wired to {@code feedback}. */
    public static RelayPins withFeedback(GpioPin coil, GpioPin feedback) {
        return new RelayPins(coil, Optional.of(feedback));
    }
}
