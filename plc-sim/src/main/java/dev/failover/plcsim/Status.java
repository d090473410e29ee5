package dev.failover.plcsim;

import java.util.Optional;

/**
 * Operating status of a controller, as held in the {@code STATUS} register (address 1).
 *
 * <p>{@code INIT} until the first scan after a start, restart or fault reset completes; {@code RUN}
 * while scanning normally; {@code FAULT} while a fault is injected; {@code STOP} once the controller
 * is crashed or closed (only visible through {@link SimulatedPlc#snapshot()}, since no Modbus server
 * runs then). Immutable and thread-safe.
 */
public enum Status {
    INIT(0),
    RUN(1),
    STOP(2),
    FAULT(3);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The value of this status in the {@code STATUS} register. */
    public int code() {
        return code;
    }

    /** The status a register value stands for, empty for any other value. */
    public static Optional<Status> fromCode(int code) {
        for (Status status : values()) {
            if (status.code == code) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
