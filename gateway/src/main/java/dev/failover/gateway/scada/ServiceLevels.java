package dev.failover.gateway.scada;

import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import java.util.Collection;

/**
 * The OPC UA ServiceLevel (Part 4 §6.6.2.4.2) of a pair and of the gateway: how well the server
 * can serve the pair's data now. Subranges: 0 maintenance, 1 no data, 2-199 degraded, 200-255
 * healthy. docs/opcua.md has the table; the values within a subrange order the cases by how much
 * of the service is left.
 */
public final class ServiceLevels {

    /** The gateway is shutting down: no service, by intent. */
    public static final int MAINTENANCE = 0;

    /**
     * No controller can serve the pair's data: no active, or the active is failed or not running, or
     * no controller drives the process (UNDRIVEN).
     */
    public static final int NO_DATA = 1;

    /** A switchover is in progress: the last values are served, marked uncertain. */
    public static final int SWITCHING = 50;

    /** The active serves data but the gateway cannot act on a failure of it (blocked, e.g. by a storm). */
    public static final int BLOCKED = 100;

    /** The active serves data, but no standby is ready to take over. */
    public static final int UNPROTECTED = 150;

    /** The active missed a poll (suspect, not yet failed): data may be late. */
    public static final int ACTIVE_SUSPECT = 180;

    /** Protected, with an alarm raised (e.g. a recent switchover storm or an unconfirmed fence). */
    public static final int PROTECTED_WITH_ALARM = 220;

    /** Active healthy, standby ready and verified, no alarm. */
    public static final int PROTECTED = 255;

    private ServiceLevels() {}

    /** The service level of one pair. */
    public static int of(PairStatus status) {
        String active = status.activeId();
        Health health = active == null ? null : status.health().get(active);
        if (status.state() == PairState.SWITCHING) {
            return SWITCHING;
        }
        if (health == null || !health.canTakeCommands()) {
            return NO_DATA;
        }
        int level = switch (status.state()) {
            case PROTECTED -> status.alarms().isEmpty() ? PROTECTED : PROTECTED_WITH_ALARM;
            case UNPROTECTED -> UNPROTECTED;
            case BLOCKED -> BLOCKED;
            case DISCOVERING, SWITCHING, UNDRIVEN -> NO_DATA;
        };
        // A suspect active lowers the level; it never raises that of a worse state.
        return health.condition() == Condition.SUSPECT ? Math.min(level, ACTIVE_SUSPECT) : level;
    }

    /** The gateway's service level: its worst pair's. */
    public static int ofGateway(Collection<PairStatus> pairs) {
        return pairs.stream().mapToInt(ServiceLevels::of).min().orElse(NO_DATA);
    }
}
