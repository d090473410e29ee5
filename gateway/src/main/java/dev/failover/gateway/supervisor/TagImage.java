package dev.failover.gateway.supervisor;

import java.time.Instant;
import java.util.Map;

/**
 * The pair's tag values as the gateway last read them from the active controller.
 *
 * @param values each tag's latest value, by tag name, in the pair's tag order
 */
public record TagImage(Map<String, Value> values) {

    /** How far a value can be trusted. */
    public enum Quality {
        /** Read from the active controller at the last scan. */
        GOOD,
        /**
         * The last value read; the newest scan could not read it (the active is unreachable, the pair is
         * switching over, or has no active controller).
         */
        LAST_USABLE,
        /** Never read since the gateway started. */
        NO_DATA
    }

    /**
     * One tag's value.
     *
     * @param engineering the engineering value (raw × scale); NaN while {@link Quality#NO_DATA}
     * @param quality how far it can be trusted
     * @param sourceTime when it was read from the controller, {@code null} while {@link Quality#NO_DATA}
     * @param controllerId the controller it was read from, empty while {@link Quality#NO_DATA}
     * @param why for a value that is not GOOD, why not; empty otherwise
     */
    public record Value(double engineering, Quality quality, Instant sourceTime, String controllerId, String why) {

        static Value noData(String why) {
            return new Value(Double.NaN, Quality.NO_DATA, null, "", why);
        }

        /** The same value, no longer current. */
        Value lastUsable(String why) {
            return quality == Quality.NO_DATA
                    ? noData(why)
                    : new Value(engineering, Quality.LAST_USABLE, sourceTime, controllerId, why);
        }
    }

    public TagImage {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }
}
