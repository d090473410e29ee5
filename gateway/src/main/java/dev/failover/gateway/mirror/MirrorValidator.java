package dev.failover.gateway.mirror;

import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.config.TagConfig.TagType;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The checks a value read from the active controller passes before it is mirrored (safety rule 5:
 * replication never spreads bad data). First the source, for the whole cycle: only a controller that
 * can take commands and is HEALTHY is mirrored from, since a SUSPECT or faulted controller's values
 * may be the fault itself. Then each value, in this order:
 *
 * <ol>
 *   <li>{@link Rejection.Rule#TYPE}: the raw value is finite and, for an integer type, whole and in
 *       the type's range;
 *   <li>{@link Rejection.Rule#BOUNDS}: the engineering value is within the tag's {@code min}..{@code max};
 *   <li>{@link Rejection.Rule#RATE}: for a tag with a {@code maxRate}, |Δ|/Δt since the last value this
 *       validator accepted is at most {@code maxRate} (engineering units per second). The first value
 *       has nothing to compare with and passes this check. Since Δt counts from the last accepted
 *       value, a step that stays is accepted once |Δ|/maxRate seconds have passed: the rate check
 *       stops jumps, the bounds stop values that are wrong however slowly they came.
 * </ol>
 *
 * <p>Not thread-safe: the mirror's thread owns it.
 */
final class MirrorValidator {

    private record Accepted(double engineering, long atNanos) {}

    private final Map<String, Accepted> lastAccepted = new HashMap<>();

    /** Why the values of {@code active} may not be mirrored now, or empty when they may. */
    static Optional<String> sourceProblem(Health active) {
        if (!active.canTakeCommands()) {
            return Optional.of("active " + active.controllerId() + " cannot take commands (" + active.describe() + ")");
        }
        if (active.condition() != Condition.HEALTHY) {
            return Optional.of("active " + active.controllerId() + " is not healthy (" + active.describe() + ")");
        }
        return Optional.empty();
    }

    /**
     * Checks the raw value of {@code tag} read at {@code nowNanos} (a ticker time); an accepted value
     * becomes the reference of the tag's next rate check.
     *
     * @return why it must not be mirrored, or empty if it may
     */
    Optional<Rejection> check(TagConfig tag, double raw, long nowNanos) {
        Optional<Rejection> type = typeProblem(tag, raw);
        if (type.isPresent()) {
            return type;
        }
        double engineering = tag.engineering(raw);
        Optional<Rejection> problem = boundsProblem(tag, engineering).or(() -> rateProblem(tag, engineering, nowNanos));
        if (problem.isEmpty()) {
            lastAccepted.put(tag.name(), new Accepted(engineering, nowNanos));
        }
        return problem;
    }

    private static Optional<Rejection> typeProblem(TagConfig tag, double raw) {
        String type = tag.type().name().toLowerCase(Locale.ROOT);
        if (!Double.isFinite(raw)) {
            return reject(Rejection.Rule.TYPE, "raw value " + raw + " is not a finite " + type);
        }
        if (tag.type() == TagType.FLOAT32) {
            return Math.abs(raw) <= Float.MAX_VALUE
                    ? Optional.empty()
                    : reject(Rejection.Rule.TYPE, "raw value " + format(raw) + " is outside the float32 range");
        }
        if (raw != Math.rint(raw)) {
            return reject(
                    Rejection.Rule.TYPE, "raw value " + format(raw) + " is not a whole number, as a " + type + " is");
        }
        long lo = switch (tag.type()) {
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            default -> 0;
        };
        long hi = switch (tag.type()) {
            case UINT16 -> 0xFFFF;
            case INT16 -> Short.MAX_VALUE;
            case UINT32 -> 0xFFFF_FFFFL;
            default -> Integer.MAX_VALUE;
        };
        if (raw < lo || raw > hi) {
            return reject(
                    Rejection.Rule.TYPE,
                    "raw value " + format(raw) + " is outside the " + type + " range " + lo + ".." + hi);
        }
        return Optional.empty();
    }

    private static Optional<Rejection> boundsProblem(TagConfig tag, double engineering) {
        if (engineering < tag.min()) {
            return reject(
                    Rejection.Rule.BOUNDS, withUnit(engineering, tag) + " is below min " + withUnit(tag.min(), tag));
        }
        if (engineering > tag.max()) {
            return reject(
                    Rejection.Rule.BOUNDS, withUnit(engineering, tag) + " is above max " + withUnit(tag.max(), tag));
        }
        return Optional.empty();
    }

    private Optional<Rejection> rateProblem(TagConfig tag, double engineering, long nowNanos) {
        Accepted last = lastAccepted.get(tag.name());
        if (!tag.hasMaxRate() || last == null) {
            return Optional.empty();
        }
        // In decimal, so that 50.01 after 50 is a change of 0.01, as the operator reads both values.
        double change = BigDecimal.valueOf(engineering)
                .subtract(BigDecimal.valueOf(last.engineering()))
                .abs()
                .doubleValue();
        if (change == 0) {
            return Optional.empty();
        }
        double seconds = Math.max(0, nowNanos - last.atNanos()) / 1e9;
        double rate = seconds == 0 ? Double.POSITIVE_INFINITY : change / seconds;
        if (rate <= tag.maxRate()) {
            return Optional.empty();
        }
        String unit = tag.unit().isEmpty() ? "" : " " + tag.unit();
        return reject(
                Rejection.Rule.RATE,
                "changed by " + format(change) + unit + " in " + String.format(Locale.ROOT, "%.3f", seconds) + " s ("
                        + (Double.isInfinite(rate) ? "at once" : format(round(rate)) + unit + "/s")
                        + "), faster than maxRate " + format(tag.maxRate()) + unit + "/s, from "
                        + withUnit(last.engineering(), tag));
    }

    private static Optional<Rejection> reject(Rejection.Rule rule, String detail) {
        return Optional.of(new Rejection(rule, detail));
    }

    private static String withUnit(double value, TagConfig tag) {
        return format(value) + (tag.unit().isEmpty() ? "" : " " + tag.unit());
    }

    private static double round(double value) {
        return BigDecimal.valueOf(value).round(new MathContext(6)).doubleValue();
    }

    /** A number without a useless ".0": 100, 0.5, 409.6. */
    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
