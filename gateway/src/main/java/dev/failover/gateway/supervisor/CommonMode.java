package dev.failover.gateway.supervisor;

import dev.failover.gateway.health.Observation;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells a controller's missed poll from a miss of the gateway's own side (safety rule 10): when both
 * controllers of a pair miss softly (a timeout, or an answer whose heartbeat did not advance) within
 * about a poll period of each other, the fault is most likely common to both (the gateway, its host
 * or its network; or a host both controllers share, starved or stopped), and neither miss is evidence
 * against a controller: a failover could not help.
 *
 * <p>A stall (an answer whose heartbeat did not advance) is also common mode when the other
 * controller missed softly at any time in the last {@link #STALL_LOOKBACK}, even if it has answered
 * since: a starved host stalls its controllers' scans one after the other, not at the same instant
 * (seen under CPU starvation, the second stalling half a second after the first), while two
 * controllers on their own hardware stalling within a second of each other is no single
 * controller's fault. A stall of one controller alone still counts, and a timeout is judged by the
 * tight window only. Not thread-safe: the pair's decision thread feeds it.
 */
final class CommonMode {

    private final String first;
    private final String second;
    private final long windowNanos;
    /** How far back a soft miss of the other controller makes a stall common mode. */
    static final long STALL_LOOKBACK_NANOS = 1_000_000_000L;

    private final Map<String, Long> lastSoftMissNanos = new HashMap<>();
    /** The last soft miss of each controller, kept after it answers again (for {@link #STALL_LOOKBACK_NANOS}). */
    private final Map<String, Long> lastSoftMissEverNanos = new HashMap<>();

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
        lastSoftMissEverNanos.put(id, observation.doneNanos());
        String other = id.equals(first) ? second : first;
        Long otherMiss = lastSoftMissNanos.get(other);
        boolean both = otherMiss != null && Math.abs(observation.doneNanos() - otherMiss) <= windowNanos;
        // An answer that is a soft miss is a stall (its heartbeat did not advance).
        Long otherEver = lastSoftMissEverNanos.get(other);
        boolean stall = observation.result().isOk();
        both |= stall
                && otherEver != null
                && observation.doneNanos() - otherEver <= STALL_LOOKBACK_NANOS
                && observation.doneNanos() - otherEver >= -windowNanos;
        boolean announce = both && !episode;
        if (both) {
            episode = true;
        }
        return new Verdict(both, announce, false);
    }
}
