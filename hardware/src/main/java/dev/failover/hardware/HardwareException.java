package dev.failover.hardware;

import java.util.Objects;

/**
 * A GPIO operation failed (the driver refused a write, a line could not be read or claimed). Unchecked:
 * it means broken or misconfigured hardware, not an expected outcome; expected outcomes such as a
 * refused or unconfirmed cut are {@link RelayResult} values instead. Keeps the driver's exception as
 * its cause.
 */
public final class HardwareException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of GPIO operation failed. */
    public enum Reason {
        /** Starting the GPIO library, or claiming, configuring or releasing a line, failed (pin in use, no such line, no permission). */
        SETUP,
        /** Driving an output failed. */
        WRITE,
        /** Reading an input failed or gave no usable level. */
        READ
    }

    private final Reason reason;

    public HardwareException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public HardwareException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
