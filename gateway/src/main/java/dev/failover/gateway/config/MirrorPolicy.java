package dev.failover.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a pair's mirrored tags are copied from the active controller to the standby. Immutable;
 * validated by {@link ConfigLoader} with messages naming the key, and again by {@link PairConfig}.
 *
 * @param period how often the mirror copies: at least the pair's poll period, since the mirror acts
 *     on the controllers' health and that changes at most once a poll
 */
public record MirrorPolicy(Duration period) {

    /** The period when none is configured and the poll period is shorter. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(100);

    public MirrorPolicy {
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the mirror period must be positive");
        }
    }

    /** The default for a pair with {@code failover}: every 100 ms, or every poll if polls are slower. */
    public static MirrorPolicy defaultsFor(FailoverPolicy failover) {
        Duration poll = failover.pollPeriod();
        return new MirrorPolicy(poll.compareTo(DEFAULT_PERIOD) > 0 ? poll : DEFAULT_PERIOD);
    }
}
