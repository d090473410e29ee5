package dev.failover.gateway.mirror;

import java.util.Objects;

/**
 * Why a value read from the active controller was not mirrored to the standby.
 *
 * @param rule the check it failed
 * @param detail a sentence for people, with the value and the limit
 */
public record Rejection(Rule rule, String detail) {

    /** The checks of {@link MirrorValidator}, in the order they are applied. */
    public enum Rule {
        /** The raw value is not a value of the tag's type: not finite, not whole, or out of its range. */
        TYPE,
        /** The engineering value is outside the tag's {@code min}..{@code max}. */
        BOUNDS,
        /** The value changed faster than the tag's {@code maxRate} since the last accepted value. */
        RATE
    }

    public Rejection {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
    }
}
