package dev.failover.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How one pair is watched and when it switches. Immutable; validated by {@link ConfigLoader} with
 * messages naming the key, and again here as a last guard.
 *
 * @param pollPeriod how often each controller is polled (both of them, every period)
 * @param responseTimeout the floor of each controller's adaptive response deadline: a poll is never
 *     given less time than this (see {@link dev.failover.gateway.health.ResponseDeadline})
 * @param responseTimeoutMax the ceiling of the adaptive response deadline, and the deadline before the
 *     first answers are measured: an answer slower than this is always a missed poll. Equal to {@code
 *     responseTimeout} for a fixed deadline
 * @param missesBeforeFault bad polls in a row that make a controller FAILED
 * @param recoveryPolls good polls in a row before a failed controller is healthy again
 * @param holdDown minimum time between two automatic switchovers
 * @param failback whether the pair returns to the preferred primary by itself
 * @param failbackAfter how long the preferred primary must be a ready standby before an automatic failback
 * @param unreachableActive what to do when the failed active cannot be demoted over its link
 * @param presumeDownAfter with {@link UnreachableActive#PRESUME_DOWN}: how long it must be unreachable
 * @param stormMaxSwitchovers more switchovers than this within {@code stormWindow} raise a storm alarm
 * @param stormWindow the window of the storm alarm
 * @param stormLock whether more automatic switchovers (failovers, failbacks) than {@code
 *     stormMaxSwitchovers} within {@code stormWindow} lock the pair against further automatic ones
 *     away from an active that may still drive, until a signed {@code rearm} (safety rule 9 still
 *     promotes a standby when nothing else would drive the process)
 */
public record FailoverPolicy(
        Duration pollPeriod,
        Duration responseTimeout,
        Duration responseTimeoutMax,
        int missesBeforeFault,
        int recoveryPolls,
        Duration holdDown,
        FailbackMode failback,
        Duration failbackAfter,
        UnreachableActive unreachableActive,
        Duration presumeDownAfter,
        int stormMaxSwitchovers,
        Duration stormWindow,
        boolean stormLock) {

    /** Whether the pair switches back to the preferred primary by itself. */
    public enum FailbackMode {
        /** Non-revertive: an operator decides when to switch back. The default. */
        MANUAL,
        /** Switch back once the preferred primary has been a ready standby for {@code failbackAfter}. */
        AUTOMATIC
    }

    /** What to do when the failed active cannot be demoted over its link. */
    public enum UnreachableActive {
        /**
         * Cut its outputs with its fence (output-enable relay) and promote once that is confirmed; if
         * it has no fence, do not promote and raise an alarm. The default: safety rule 1.
         */
        FENCE,
        /**
         * Presume it down once it has been unreachable for {@code presumeDownAfter} and promote the
         * standby without confirmation. Relaxes safety rule 1; logged loudly at start.
         */
        PRESUME_DOWN
    }

    public FailoverPolicy {
        Objects.requireNonNull(pollPeriod, "pollPeriod");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(responseTimeoutMax, "responseTimeoutMax");
        Objects.requireNonNull(holdDown, "holdDown");
        Objects.requireNonNull(failback, "failback");
        Objects.requireNonNull(failbackAfter, "failbackAfter");
        Objects.requireNonNull(unreachableActive, "unreachableActive");
        Objects.requireNonNull(presumeDownAfter, "presumeDownAfter");
        Objects.requireNonNull(stormWindow, "stormWindow");
        if (pollPeriod.isNegative() || pollPeriod.isZero()) {
            throw new IllegalArgumentException("pollPeriod must be positive");
        }
        if (responseTimeout.compareTo(pollPeriod) >= 0 || responseTimeout.isNegative() || responseTimeout.isZero()) {
            throw new IllegalArgumentException("responseTimeout must be positive and shorter than pollPeriod");
        }
        if (responseTimeoutMax.compareTo(responseTimeout) < 0) {
            throw new IllegalArgumentException("responseTimeoutMax must not be shorter than responseTimeout");
        }
        if (missesBeforeFault < 2) {
            throw new IllegalArgumentException("missesBeforeFault must be at least 2: one missed poll is not a fault");
        }
        if (recoveryPolls < 1 || stormMaxSwitchovers < 1) {
            throw new IllegalArgumentException("recoveryPolls and stormMaxSwitchovers must be at least 1");
        }
    }

    /** A policy whose switchover storms lock the pair until a signed re-arm (the default). */
    public FailoverPolicy(
            Duration pollPeriod,
            Duration responseTimeout,
            Duration responseTimeoutMax,
            int missesBeforeFault,
            int recoveryPolls,
            Duration holdDown,
            FailbackMode failback,
            Duration failbackAfter,
            UnreachableActive unreachableActive,
            Duration presumeDownAfter,
            int stormMaxSwitchovers,
            Duration stormWindow) {
        this(
                pollPeriod,
                responseTimeout,
                responseTimeoutMax,
                missesBeforeFault,
                recoveryPolls,
                holdDown,
                failback,
                failbackAfter,
                unreachableActive,
                presumeDownAfter,
                stormMaxSwitchovers,
                stormWindow,
                true);
    }

    /**
     * A policy whose adaptive response deadline ranges from {@code responseTimeout} to {@link
     * #defaultMax its default ceiling}.
     */
    public FailoverPolicy(
            Duration pollPeriod,
            Duration responseTimeout,
            int missesBeforeFault,
            int recoveryPolls,
            Duration holdDown,
            FailbackMode failback,
            Duration failbackAfter,
            UnreachableActive unreachableActive,
            Duration presumeDownAfter,
            int stormMaxSwitchovers,
            Duration stormWindow) {
        this(
                pollPeriod,
                responseTimeout,
                defaultMax(responseTimeout),
                missesBeforeFault,
                recoveryPolls,
                holdDown,
                failback,
                failbackAfter,
                unreachableActive,
                presumeDownAfter,
                stormMaxSwitchovers,
                stormWindow);
    }

    /**
     * The ceiling of the adaptive response deadline when none is configured: four times the floor, as
     * RFC 6298 allows four mean deviations above the smoothed round trip.
     */
    public static Duration defaultMax(Duration responseTimeout) {
        return responseTimeout.multipliedBy(4);
    }

    /**
     * The defaults: 20 ms polls, an adaptive response deadline of 15 to 60 ms, 3 misses, 3 recovery
     * polls, 10 s hold-down, manual failback.
     */
    public static FailoverPolicy defaults() {
        return new FailoverPolicy(
                Duration.ofMillis(20),
                Duration.ofMillis(15),
                3,
                3,
                Duration.ofSeconds(10),
                FailbackMode.MANUAL,
                Duration.ofSeconds(60),
                UnreachableActive.FENCE,
                Duration.ofSeconds(5),
                3,
                Duration.ofMinutes(10));
    }

    /**
     * How long a starting gateway waits for a controller it has never been able to read before it
     * treats it as possibly active (and fences it, or raises an alarm). First connections, above all
     * TLS handshakes on cold software, can miss a few polls: a start must not switch the active.
     */
    public Duration discoveryGrace() {
        return pollPeriod.multipliedBy(100);
    }

    /** How long to wait before trying a failed switchover again. */
    public Duration retryInterval() {
        return pollPeriod.multipliedBy(missesBeforeFault);
    }

    /**
     * This policy polling every {@code period}, with {@code timeout} the floor of the adaptive response
     * deadline (its ceiling {@link #defaultMax the default}) and {@code misses} before a fault.
     */
    public FailoverPolicy withPolling(Duration period, Duration timeout, int misses) {
        return new FailoverPolicy(
                period,
                timeout,
                defaultMax(timeout),
                misses,
                recoveryPolls,
                holdDown,
                failback,
                failbackAfter,
                unreachableActive,
                presumeDownAfter,
                stormMaxSwitchovers,
                stormWindow,
                stormLock);
    }

    public FailoverPolicy withHoldDown(Duration value) {
        return new FailoverPolicy(
                pollPeriod,
                responseTimeout,
                responseTimeoutMax,
                missesBeforeFault,
                recoveryPolls,
                value,
                failback,
                failbackAfter,
                unreachableActive,
                presumeDownAfter,
                stormMaxSwitchovers,
                stormWindow,
                stormLock);
    }

    public FailoverPolicy withFailback(FailbackMode mode, Duration after) {
        return new FailoverPolicy(
                pollPeriod,
                responseTimeout,
                responseTimeoutMax,
                missesBeforeFault,
                recoveryPolls,
                holdDown,
                mode,
                after,
                unreachableActive,
                presumeDownAfter,
                stormMaxSwitchovers,
                stormWindow,
                stormLock);
    }

    public FailoverPolicy withUnreachableActive(UnreachableActive mode, Duration presumeAfter) {
        return new FailoverPolicy(
                pollPeriod,
                responseTimeout,
                responseTimeoutMax,
                missesBeforeFault,
                recoveryPolls,
                holdDown,
                failback,
                failbackAfter,
                mode,
                presumeAfter,
                stormMaxSwitchovers,
                stormWindow,
                stormLock);
    }

    public FailoverPolicy withStorm(int maxSwitchovers, Duration window) {
        return new FailoverPolicy(
                pollPeriod,
                responseTimeout,
                responseTimeoutMax,
                missesBeforeFault,
                recoveryPolls,
                holdDown,
                failback,
                failbackAfter,
                unreachableActive,
                presumeDownAfter,
                maxSwitchovers,
                window,
                stormLock);
    }

    /** This policy with switchover storms locking the pair ({@code true}) or only raising an alarm. */
    public FailoverPolicy withStormLock(boolean lock) {
        return new FailoverPolicy(
                pollPeriod,
                responseTimeout,
                responseTimeoutMax,
                missesBeforeFault,
                recoveryPolls,
                holdDown,
                failback,
                failbackAfter,
                unreachableActive,
                presumeDownAfter,
                stormMaxSwitchovers,
                stormWindow,
                lock);
    }
}
