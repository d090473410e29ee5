package dev.failover.gateway.supervisor;

import dev.failover.gateway.health.Observation;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.StatusReading;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells a controller's missed poll from a miss of the gateway's own side (safety rule 10): when both
 * controllers of a pair time out within about a poll period of each other, the fault is most likely
 * the gateway's or its network's, and neither miss is evidence against a controller. Not
 * thread-safe: the pair's decision thread feeds it.
 */
final class CommonMode {

    private final String first;
    private final String second;
    private final long windowNanos;
    private final Map<String, Long> lastSoftMissNanos = new HashMap<>();
    private boolean episode;

    /** @param windowNanos how close together two misses must be to be one (a poll period and a timeout) */
    CommonMode(String first, String second, long windowNanos) {
        this.first = first;
        this.second = second;
        this.windowNanos = windowNanos;
    }

    /**
     * The verdict on one poll, and whether it starts a new episode of common-mode misses or ends one
     * (to raise or clear the alarm).
     */
    record Verdict(boolean commonMode, boolean newEpisode, boolean episodeEnded) {}

    Verdict judge(Observation observation) {
        String id = observation.controllerId();
        boolean softMiss =
                observation.result() instanceof LinkResult.Failed<StatusReading> f && f.error() == LinkError.TIMEOUT;
        if (!softMiss) {
            boolean ended = false;
            if (observation.result().isOk()) {
                lastSoftMissNanos.remove(id);
                if (lastSoftMissNanos.isEmpty() && episode) {
                    episode = false;
                    ended = true;
                }
            }
            return new Verdict(false, false, ended);
        }
        lastSoftMissNanos.put(id, observation.doneNanos());
        Long otherMiss = lastSoftMissNanos.get(id.equals(first) ? second : first);
        boolean both = otherMiss != null && Math.abs(observation.doneNanos() - otherMiss) <= windowNanos;
        boolean announce = both && !episode;
        if (both) {
            episode = true;
        }
        return new Verdict(both, announce, false);
    }
}
