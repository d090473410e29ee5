package dev.failover.gateway.failover;

import dev.failover.gateway.health.Health;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A consistent snapshot of one pair's failover state, for status output.
 *
 * @param state the pair state
 * @param activeId the controller the gateway treats as active, {@code null} while discovering
 * @param health each controller's latest health, by id
 * @param alarms the raised alarms and their details
 * @param fenced the controllers whose outputs are cut by their fence
 * @param lastSwitchover the last switchover attempt, or {@code null}
 * @param switchovers completed switchovers since start
 * @param maxRtoMillis the highest RTO (upper bound) measured since start
 * @param transitions the most recent state transitions, oldest first
 */
public record PairStatus(
        PairState state,
        String activeId,
        Map<String, Health> health,
        Map<Alarm, String> alarms,
        Set<String> fenced,
        SwitchoverReport lastSwitchover,
        int switchovers,
        double maxRtoMillis,
        List<Transition> transitions) {}
