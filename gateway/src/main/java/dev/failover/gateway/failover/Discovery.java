package dev.failover.gateway.failover;

import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import java.util.Optional;

/**
 * Which controller the gateway treats as active when it starts, learned from the controllers
 * themselves, so that a (re)started gateway never makes a second controller active.
 *
 * @param active the controller to treat as active
 * @param takeControl no controller reports ACTIVE: {@code active} is to be promoted
 * @param noneReady no controller reports ACTIVE and none could be promoted
 */
record Discovery(String active, boolean takeControl, boolean noneReady) {

    /** Empty until both controllers have been judged. */
    static Optional<Discovery> of(String primary, Health p, String secondary, Health s) {
        if (p.condition() == Condition.UNKNOWN || s.condition() == Condition.UNKNOWN) {
            return Optional.empty();
        }
        boolean pActive = p.reachable() && p.role() == RuntimeRole.ACTIVE;
        boolean sActive = s.reachable() && s.role() == RuntimeRole.ACTIVE;
        if (pActive && sActive) {
            // Both: keep the preferred primary unless only the other is healthy; the other is demoted.
            boolean keepPrimary = p.condition() == Condition.HEALTHY || s.condition() != Condition.HEALTHY;
            return Optional.of(new Discovery(keepPrimary ? primary : secondary, false, false));
        }
        if (pActive || sActive) {
            return Optional.of(new Discovery(pActive ? primary : secondary, false, false));
        }
        if (!p.reachable() || !s.reachable()) {
            // A controller we cannot read may be driving the process: treat it as the active, so that
            // taking over from it goes through demote-or-fence (safety rule 1).
            return Optional.of(new Discovery(!p.reachable() ? primary : secondary, false, false));
        }
        String candidate = p.readyAsStandby() ? primary : s.readyAsStandby() ? secondary : null;
        Health beside = primary.equals(candidate) ? s : p;
        if (candidate == null || beside.role() != RuntimeRole.STANDBY) {
            // Never promote beside a controller whose role is not a verified STANDBY.
            return Optional.of(new Discovery(candidate == null ? primary : candidate, false, true));
        }
        return Optional.of(new Discovery(candidate, true, false));
    }
}
