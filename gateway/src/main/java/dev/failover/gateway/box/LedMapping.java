package dev.failover.gateway.box;

import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.hardware.LedPattern;
import java.util.Set;

/**
 * What a pair's LEDs on the box show for its status (docs/hardware.md):
 *
 * <table>
 *   <caption>LED pattern per pair state</caption>
 *   <tr><th>pair</th><th>LEDs</th></tr>
 *   <tr><td>DISCOVERING</td><td>OFF: not yet supervised, as while the gateway starts</td></tr>
 *   <tr><td>PROTECTED</td><td>HEALTHY (green)</td></tr>
 *   <tr><td>UNPROTECTED</td><td>DEGRADED (amber): driven, but no ready standby</td></tr>
 *   <tr><td>SWITCHING</td><td>SWITCHING (green and amber)</td></tr>
 *   <tr><td>BLOCKED</td><td>ALARM (red): the active failed and nothing took over</td></tr>
 *   <tr><td>UNDRIVEN</td><td>ALARM (red): no controller drives the process</td></tr>
 * </table>
 *
 * <p>In any state, a raised {@link Alarm#SPLIT_BRAIN} or {@link Alarm#PROMOTED_UNCONFIRMED} shows ALARM:
 * two controllers may be driving the process, which an operator must see from the cabinet.
 */
final class LedMapping {

    private static final Set<Alarm> SPLIT_BRAIN_RISK = Set.of(Alarm.SPLIT_BRAIN, Alarm.PROMOTED_UNCONFIRMED);

    private LedMapping() {}

    static LedPattern of(PairStatus status) {
        if (status.alarms().keySet().stream().anyMatch(SPLIT_BRAIN_RISK::contains)) {
            return LedPattern.ALARM;
        }
        return switch (status.state()) {
            case DISCOVERING -> LedPattern.OFF;
            case PROTECTED -> LedPattern.HEALTHY;
            case UNPROTECTED -> LedPattern.DEGRADED;
            case SWITCHING -> LedPattern.SWITCHING;
            case BLOCKED, UNDRIVEN -> LedPattern.ALARM;
        };
    }
}
