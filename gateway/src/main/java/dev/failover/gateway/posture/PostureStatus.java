package dev.failover.gateway.posture;

import java.util.List;
import java.util.Map;

/**
 * The posture of one pair at one instant, for status: each controller's last probe and what it lacks
 * against the baseline, and where the standby is weaker than the active or differs from it.
 *
 * @param controllers each controller's last posture, by id (absent before its first probe)
 * @param baseline each controller's findings against the baseline, by id
 * @param active the active the parity was judged against, or empty
 * @param standby the standby judged, or empty
 * @param parity where the standby is weaker or different (empty: identical or stronger)
 */
public record PostureStatus(
        Map<String, ControllerPosture> controllers,
        Map<String, List<Finding>> baseline,
        String active,
        String standby,
        List<Finding> parity) {

    public PostureStatus {
        controllers = Map.copyOf(controllers);
        baseline = Map.copyOf(baseline);
        parity = List.copyOf(parity);
    }

    /** Nothing probed yet. */
    static PostureStatus none() {
        return new PostureStatus(Map.of(), Map.of(), "", "", List.of());
    }
}
