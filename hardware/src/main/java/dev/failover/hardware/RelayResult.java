package dev.failover.hardware;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link OutputEnableRelays#cut} or {@link OutputEnableRelays#restore}: expected
 * outcomes are values, never exceptions. Only {@link Confirmed} proves that the relay moved; a
 * caller that must be sure a controller is fenced (safety rule 1: don't promote when unsure) treats
 * every other outcome as "not known to be fenced".
 *
 * <ul>
 *   <li>{@link Confirmed}: written, and the feedback contact agrees.
 *   <li>{@link Unconfirmed}: written, but no feedback contact is wired, so nobody knows.
 *   <li>{@link Failed}: the write failed, or the feedback still disagrees after the settle time (a
 *       stuck relay). Names the pin.
 *   <li>{@link Refused}: not attempted, because of the interlock. Says why.
 * </ul>
 */
public sealed interface RelayResult {

    /** The controller whose relay was addressed. */
    String controllerId();

    /** What was asked for. */
    RelayAction action();

    /** One line for logs, events and the audit trail. */
    String message();

    /** The relay moved as commanded and its auxiliary contact on {@code feedbackPin} agrees. */
    record Confirmed(String controllerId, RelayAction action, GpioPin feedbackPin) implements RelayResult {
        public Confirmed {
            Objects.requireNonNull(controllerId, "controllerId");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(feedbackPin, "feedbackPin");
        }

        @Override
        public String message() {
            return action + " " + controllerId + ": confirmed by feedback on " + feedbackPin;
        }
    }

    /** The coil was driven but the relay has no feedback contact, so the outcome is unknown. */
    record Unconfirmed(String controllerId, RelayAction action) implements RelayResult {
        public Unconfirmed {
            Objects.requireNonNull(controllerId, "controllerId");
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String message() {
            return action + " " + controllerId + ": written, unconfirmed (no feedback contact wired)";
        }
    }

    /**
     * The command did not take effect as far as the box can tell. The commanded state stays what was
     * asked for (see {@link OutputEnableRelays#cut}).
     *
     * @param reason what went wrong
     * @param pin the pin concerned: the feedback input for {@link Failure#FEEDBACK_MISMATCH},
     *     {@link Failure#FEEDBACK_UNREADABLE} and {@link Failure#INTERRUPTED}, the coil output for
     *     {@link Failure#WRITE_ERROR}
     * @param detail what was seen, for people
     * @param cause the hardware error behind {@code WRITE_ERROR} and {@code FEEDBACK_UNREADABLE}
     */
    record Failed(
            String controllerId,
            RelayAction action,
            Failure reason,
            GpioPin pin,
            String detail,
            Optional<HardwareException> cause)
            implements RelayResult {
        public Failed {
            Objects.requireNonNull(controllerId, "controllerId");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(pin, "pin");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public String message() {
            return action + " " + controllerId + ": FAILED (" + reason + " on " + pin + "): " + detail;
        }
    }

    /** Why a {@link Failed} result failed. */
    enum Failure {
        /** The feedback contact still disagrees with the coil after the settle time: a stuck relay. */
        FEEDBACK_MISMATCH,
        /** The feedback input could not be read. */
        FEEDBACK_UNREADABLE,
        /** The coil output could not be driven. */
        WRITE_ERROR,
        /** The thread was interrupted while waiting for the feedback; its interrupt flag is set again. */
        INTERRUPTED
    }

    /**
     * The interlock refused the command; nothing was written.
     *
     * @param reason why
     * @param detail the evidence, for people (which controller is cut, and how the box knows)
     */
    record Refused(String controllerId, RelayAction action, Refusal reason, String detail) implements RelayResult {
        public Refused {
            Objects.requireNonNull(controllerId, "controllerId");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String message() {
            return action + " " + controllerId + ": REFUSED (" + reason + "): " + detail;
        }
    }

    /** Why a {@link Refused} result was refused. */
    enum Refusal {
        /**
         * The other controller of the pair is (or may be) cut already; cutting this one too would leave
         * the process undriven.
         */
        OTHER_CONTROLLER_CUT
    }
}
