package dev.failover.gateway.supervisor;

import dev.failover.gateway.health.Observation;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells a controller's missed poll from a miss of the gateway's own side (safety rule 10): when both
 * controllers of a pair miss softly (a timeout, or an answer whose heartbeat did not advance) within
 * about a poll period of each other, the fault is most likely common to both (the gateway, its host
 * or its network; or a host both controllers share, starved or stopped), and neither miss is evidence
 * against a controller: a failover could not help. Not thread-safe: the pair's decision thread feeds
 * it.
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

    /**
     * @param softMiss whether the poll is a soft miss of its controller (the health tracker knows:
     *     {@link dev.failover.gateway.health.HealthTracker#softMiss})
     */
    Verdict judge(Observation observation, boolean softMiss) {
        String id = observation.controllerId();
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
