package dev.failover.gateway.failover;

import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RuntimeRole;
import java.util.List;
import java.util.Optional;

/**
 * {@link PairState#DISCOVERING}: learning from both controllers and their fences which one is
 * active ({@link Discovery}), within the discovery grace for a controller never read. Once one is
 * chosen the pair stays in this state until the chosen active's first judgement ({@link Phase#judge})
 * moves it on; a controller that must be promoted first is taken control of, and a pair where none
 * can be is blocked.
 */
final class Discovering implements Phase {

    /** The controller chosen as active, {@code null} until both controllers have been judged. */
    private final String chosen;

    /** When discovery began: the first health heard, so a slow start before the polls eats no grace. */
    private long startNanos = Long.MIN_VALUE;

    Discovering(String chosen) {
        this.chosen = chosen;
    }

    @Override
    public PairState state() {
        return PairState.DISCOVERING;
    }

    @Override
    public String active() {
        return chosen;
    }

    @Override
    public String refusal(PairContext c) {
        return chosen == null ? "the pair is still being discovered" : Phase.manualRefusal(c, chosen);
    }

    @Override
    public List<Action> evaluate(PairContext c) {
        if (chosen != null) {
            return Phase.judge(c, chosen);
        }
        String primary = c.primary;
        String secondary = c.secondary;
        Health p = c.health(primary);
        Health s = c.health(secondary);
        // A controller whose fence reports its outputs cut cannot be driving: no grace is needed for it.
        boolean neverRead = (p.role() == RuntimeRole.UNKNOWN && !c.fenced(primary))
                || (s.role() == RuntimeRole.UNKNOWN && !c.fenced(secondary));
        if (startNanos == Long.MIN_VALUE) {
            startNanos = c.ticker.nanos();
        }
        if (neverRead
                && c.ticker.nanos() - startNanos < c.policy.discoveryGrace().toNanos()) {
            return List.of();
        }
        Optional<Discovery> found = Discovery.of(primary, p, secondary, s, c.fenced());
        if (found.isEmpty()) {
            return List.of();
        }
        Discovery d = found.get();
        if (d.noneReady()) {
            // Nobody reports ACTIVE. A fenced controller that answers as a healthy STANDBY can be unfenced
            // safely, and then promoted: discovery runs again after the step (safety rule 9).
            long now = c.ticker.nanos();
            for (String id : List.of(primary, secondary)) {
                if (c.unfenceable(id, c.health(id), now)) {
                    return c.issue(new Action.Unfence(id));
                }
            }
        }
        String active = d.active();
        c.replace(new Discovering(active));
        if (d.noneReady()) {
            return Blocked.block(
                    c, active, Alarm.NO_HEALTHY_CONTROLLER, "no controller reports ACTIVE and none is ready to be");
        }
        if (d.takeControl()) {
            return Switching.start(c, SwitchoverKind.TAKE_CONTROL, null, active, "no controller reports ACTIVE");
        }
        return c.evaluate();
    }
}
