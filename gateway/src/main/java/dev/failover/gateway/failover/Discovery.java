package dev.failover.gateway.failover;

import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import java.util.Optional;
import java.util.Set;

/**
 * Which controller the gateway treats as active when it starts, learned from the controllers and
 * their fences (safety rule 8), so that a (re)started gateway never makes a second controller active
 * and never takes a controller whose outputs are cut for the one driving the process.
 *
 * @param active the controller to treat as active
 * @param takeControl no controller reports ACTIVE: {@code active} is to be promoted
 * @param noneReady no controller reports ACTIVE and none could be promoted
 */
record Discovery(String active, boolean takeControl, boolean noneReady) {

    /** Empty until both controllers have been judged. */
    static Optional<Discovery> of(String primary, Health p, String secondary, Health s, Set<String> fenced) {
        if (p.condition() == Condition.UNKNOWN || s.condition() == Condition.UNKNOWN) {
            return Optional.empty();
        }
        boolean pActive = p.reachable() && p.role() == RuntimeRole.ACTIVE;
        boolean sActive = s.reachable() && s.role() == RuntimeRole.ACTIVE;
        if (pActive && sActive) {
            // Both: keep the one that drives; if both or neither do, the preferred primary unless only the
            // other is healthy. The other is demoted.
            if (p.drives() != s.drives()) {
                return Optional.of(new Discovery(p.drives() ? primary : secondary, false, false));
            }
            boolean keepPrimary = p.condition() == Condition.HEALTHY || s.condition() != Condition.HEALTHY;
            return Optional.of(new Discovery(keepPrimary ? primary : secondary, false, false));
        }
        if (pActive || sActive) {
            return Optional.of(new Discovery(pActive ? primary : secondary, false, false));
        }
        boolean pMayDrive = !p.reachable() && !fenced.contains(primary);
        boolean sMayDrive = !s.reachable() && !fenced.contains(secondary);
        if (pMayDrive || sMayDrive) {
            // A controller we cannot read may be driving the process (unless its fence reports its outputs
            // cut): treat it as the active, so that taking over from it goes through demote-or-fence.
            return Optional.of(new Discovery(pMayDrive ? primary : secondary, false, false));
        }
        String candidate = ready(p, primary, fenced) ? primary : ready(s, secondary, fenced) ? secondary : null;
        Health beside = primary.equals(candidate) ? s : p;
        String besideId = primary.equals(candidate) ? secondary : primary;
        boolean besideSafe = beside.role() == RuntimeRole.STANDBY || (!beside.reachable() && fenced.contains(besideId));
        if (candidate == null || !besideSafe) {
            // Never promote beside a controller that is neither a verified STANDBY nor fenced and silent.
            return Optional.of(new Discovery(candidate == null ? primary : candidate, false, true));
        }
        return Optional.of(new Discovery(candidate, true, false));
    }

    private static boolean ready(Health h, String id, Set<String> fenced) {
        return h.readyAsStandby() && !fenced.contains(id);
    }
}
