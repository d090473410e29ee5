package dev.failover.plcsim;

import java.util.Optional;

/**
 * Runtime role of a controller in a redundant pair, as held in the {@code ROLE} register (address 2).
 *
 * <p>Immutable and thread-safe.
 */
public enum Role {
    /** Drives the outputs when in {@code RUN} with output-enable on. Register value 1. */
    ACTIVE(1),
    /** Contributes nothing and tracks the applied outputs. Register value 2. */
    STANDBY(2);

    private final int code;

    Role(int code) {
        this.code = code;
    }

    /** The value of this role in the {@code ROLE} register. */
    public int code() {
        return code;
    }

    /** The role a register value stands for, empty for any other value. */
    public static Optional<Role> fromCode(int code) {
        for (Role role : values()) {
            if (role.code == code) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
