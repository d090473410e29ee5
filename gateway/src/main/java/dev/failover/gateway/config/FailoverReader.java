package dev.failover.gateway.config;

import dev.failover.gateway.config.FailoverPolicy.FailbackMode;
import dev.failover.gateway.config.FailoverPolicy.UnreachableActive;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a pair's {@code failover:} section; every key not written keeps {@link FailoverPolicy#defaults()}. */
final class FailoverReader {

    static final List<String> FAILOVER_KEYS = List.of(
            "pollPeriod",
            "responseTimeout",
            "responseTimeoutMax",
            "missesBeforeFault",
            "recoveryPolls",
            "holdDown",
            "failback",
            "failbackAfter",
            "unreachableActive",
            "presumeDownAfter",
            "storm");
    static final List<String> STORM_KEYS = List.of("maxSwitchovers", "window", "lock");

    private static final Map<String, FailbackMode> FAILBACK =
            ControllerReader.choices("manual", FailbackMode.MANUAL, "automatic", FailbackMode.AUTOMATIC);
    private static final Map<String, UnreachableActive> UNREACHABLE =
            ControllerReader.choices("fence", UnreachableActive.FENCE, "presume-down", UnreachableActive.PRESUME_DOWN);

    private static final IntRange MISSES = IntRange.atLeast(2, "a count")
            .because("one missed poll is not a fault, a single late answer would switch over");
    private static final IntRange AT_LEAST_ONE = IntRange.atLeast(1, "a count");

    private FailoverReader() {}

    static Optional<FailoverPolicy> policy(YamlValue value) {
        Optional<YamlMap> map = value.map(FAILOVER_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        FailoverPolicy d = FailoverPolicy.defaults();
        Optional<Duration> pollPeriod = m.get("pollPeriod", d.pollPeriod(), YamlValue::duration);
        Optional<Duration> responseTimeout = m.get("responseTimeout", d.responseTimeout(), YamlValue::duration);
        Optional<Duration> responseTimeoutMax = responseTimeout.flatMap(
                floor -> m.get("responseTimeoutMax", FailoverPolicy.defaultMax(floor), YamlValue::duration));
        Optional<Integer> misses = m.get("missesBeforeFault", d.missesBeforeFault(), v -> v.integer(MISSES));
        Optional<Integer> recovery = m.get("recoveryPolls", d.recoveryPolls(), v -> v.integer(AT_LEAST_ONE));
        Optional<Duration> holdDown = m.get("holdDown", d.holdDown(), YamlValue::duration);
        Optional<FailbackMode> failback = m.get("failback", d.failback(), v -> v.choice("a failback mode", FAILBACK));
        Optional<Duration> failbackAfter = m.get("failbackAfter", d.failbackAfter(), YamlValue::duration);
        Optional<UnreachableActive> unreachable = m.get(
                "unreachableActive", d.unreachableActive(), v -> v.choice("an unreachableActive mode", UNREACHABLE));
        Optional<Duration> presumeDownAfter = m.get("presumeDownAfter", d.presumeDownAfter(), YamlValue::duration);
        Optional<Storm> storm = m.get(
                "storm", new Storm(d.stormMaxSwitchovers(), d.stormWindow(), d.stormLock()), FailoverReader::storm);

        boolean timing = pollPeriod.isPresent()
                && responseTimeout.isPresent()
                && checkTiming(m, pollPeriod.get(), responseTimeout.get())
                && responseTimeoutMax.isPresent()
                && checkCeiling(m, responseTimeout.get(), responseTimeoutMax.get());
        if (!timing
                || misses.isEmpty()
                || recovery.isEmpty()
                || holdDown.isEmpty()
                || failback.isEmpty()
                || failbackAfter.isEmpty()
                || unreachable.isEmpty()
                || presumeDownAfter.isEmpty()
                || storm.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FailoverPolicy(
                pollPeriod.get(),
                responseTimeout.get(),
                responseTimeoutMax.get(),
                misses.get(),
                recovery.get(),
                holdDown.get(),
                failback.get(),
                failbackAfter.get(),
                unreachable.get(),
                presumeDownAfter.get(),
                storm.get().maxSwitchovers(),
                storm.get().window(),
                storm.get().lock()));
    }

    /**
     * A poll must be answered or given up before the next one is due, otherwise polls queue up and a
     * slow controller is never counted as missing. Reported on the key that was written.
     */
    private static boolean checkTiming(YamlMap m, Duration pollPeriod, Duration responseTimeout) {
        if (responseTimeout.compareTo(pollPeriod) < 0) {
            return true;
        }
        Optional<YamlValue> timeoutAt = m.optional("responseTimeout");
        Optional<YamlValue> pollAt = m.optional("pollPeriod");
        String poll = YamlValue.format(pollPeriod) + (pollAt.isPresent() ? "" : ", the default");
        String timeout = YamlValue.format(responseTimeout);
        if (timeoutAt.isPresent()) {
            timeoutAt
                    .get()
                    .report(timeout + " is not shorter than pollPeriod (" + poll + ")."
                            + " Make responseTimeout shorter than pollPeriod: a poll must be answered or missed"
                            + " before the next one.");
        } else {
            pollAt.orElseThrow()
                    .report(YamlValue.format(pollPeriod) + " is not longer than responseTimeout (" + timeout
                            + ", the default). Set a longer pollPeriod, or a responseTimeout shorter than "
                            + YamlValue.format(pollPeriod) + ".");
        }
        return false;
    }

    /** The adaptive deadline's ceiling may not be below its floor; reported on {@code responseTimeoutMax}. */
    private static boolean checkCeiling(YamlMap m, Duration floor, Duration ceiling) {
        if (ceiling.compareTo(floor) >= 0) {
            return true;
        }
        m.optional("responseTimeoutMax")
                .orElseThrow()
                .report(YamlValue.format(ceiling) + " is shorter than responseTimeout (" + YamlValue.format(floor)
                        + "). responseTimeoutMax is the ceiling of the adaptive response deadline and"
                        + " responseTimeout its floor: make it at least " + YamlValue.format(floor)
                        + " (equal for a fixed deadline).");
        return false;
    }

    private record Storm(int maxSwitchovers, Duration window, boolean lock) {}

    private static Optional<Storm> storm(YamlValue value) {
        Optional<YamlMap> map = value.map(STORM_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        FailoverPolicy d = FailoverPolicy.defaults();
        Optional<Integer> max = m.get("maxSwitchovers", d.stormMaxSwitchovers(), v -> v.integer(AT_LEAST_ONE));
        Optional<Duration> window = m.get("window", d.stormWindow(), YamlValue::duration);
        Optional<Boolean> lock = m.get("lock", d.stormLock(), YamlValue::bool);
        if (max.isEmpty() || window.isEmpty() || lock.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Storm(max.get(), window.get(), lock.get()));
    }
}
