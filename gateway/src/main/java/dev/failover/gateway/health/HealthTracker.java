package dev.failover.gateway.health;

import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.PartnerView;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.StatusReading;

/**
 * Turns the polls of one controller into a {@link Health} verdict.
 *
 * <p>A poll is bad when it got no answer within the response timeout, when the controller reports
 * a status other than RUN, or when its heartbeat has not advanced since the previous answer. One
 * bad poll is not a fault: the controller is {@link Condition#SUSPECT} until {@code
 * missesBeforeFault} bad polls in a row make it {@link Condition#FAILED}. A failed (or newly
 * seen) controller needs {@code recoveryPolls} good polls in a row to be {@link
 * Condition#HEALTHY} again, so a flickering controller does not look ready.
 *
 * <p><b>A miss counts only if the gateway was there to see it</b> (safety rule 10). A bad poll whose
 * only evidence is the absence of an answer in time ({@link Evidence#SOFT}: a timeout, a heartbeat
 * that did not advance) is <em>inconclusive</em>, and counts neither way, when the gateway itself
 * was paused or late during it ({@link Observation#onTime()}), when the other controller of the pair
 * missed at the same time (common mode: the gateway's side, not the controller's), or before the
 * tracker is <em>armed</em> (for a controller that has answered before; one that never did is not
 * being convicted, and discovery has its own grace for it). The tracker arms after {@code armAfter} good on-time polls in a row, or
 * {@code armWithin} after its first observation, whichever comes first: until then a cold gateway
 * (class loading, TLS handshakes) cannot convict a controller by its own slowness, while hard
 * evidence (refused or reset connections, a malformed or refused answer, a reported fault) counts at
 * once.
 *
 * <p><b>The partner's view.</b> Where the pair has a partner link (each controller watches the
 * other's heartbeat over a link of its own), the other controller's fresh report of this one is
 * independent evidence: a soft miss while the partner has lost this controller on the partner link
 * counts even before the tracker is armed (two witnesses agree); a soft miss while the partner still
 * sees it alive counts as before (a controller whose communication hangs must still be failed over)
 * but says so in its reason: its communication failed, not its program. The partner's view never
 * overrides a pause of the gateway or common mode: those discount the gateway's own observation.
 *
 * <p>Not thread-safe: one tracker is fed by one thread.
 */
public final class HealthTracker {

    private final String controllerId;
    private final int missesBeforeFault;
    private final int recoveryPolls;

    private final int armAfter;
    private final long armWithinNanos;

    private Health health;
    private int consecutiveGood;
    private int previousHeartbeat = -1;
    private long firstSeenNanos = Long.MIN_VALUE;
    private int onTimeGoodInRow;
    private boolean armed;
    private Evidence lastFailure = Evidence.SOFT;
    private PartnerView partnerView = PartnerView.NONE;
    private long partnerViewNanos = Long.MIN_VALUE;

    /** A tracker that is armed from the start: every miss the gateway saw on time counts. */
    public HealthTracker(String controllerId, int missesBeforeFault, int recoveryPolls) {
        this(controllerId, missesBeforeFault, recoveryPolls, 0, 0);
    }

    /**
     * @param armAfter good on-time polls in a row that arm the tracker
     * @param armWithinNanos time after the first observation that arms it anyway (a controller that
     *     stops answering soon after start must still be convicted)
     */
    public HealthTracker(
            String controllerId, int missesBeforeFault, int recoveryPolls, int armAfter, long armWithinNanos) {
        if (missesBeforeFault < 1 || recoveryPolls < 1 || armAfter < 0 || armWithinNanos < 0) {
            throw new IllegalArgumentException(
                    "missesBeforeFault and recoveryPolls must be at least 1, the arming figures not negative");
        }
        this.controllerId = controllerId;
        this.missesBeforeFault = missesBeforeFault;
        this.recoveryPolls = recoveryPolls;
        this.armAfter = armAfter;
        this.armWithinNanos = armWithinNanos;
        this.armed = armAfter == 0;
        this.health = Health.unknown(controllerId);
    }

    /** Whether timeouts count yet: armed after enough good on-time polls, or by time. */
    public boolean armed() {
        return armed;
    }

    public Health health() {
        return health;
    }

    /**
     * What this controller last reported of its partner, if it reported it in a poll sent at or after
     * {@code sinceNanos}; {@link PartnerView#NONE} when it has no partner link or the report is older.
     */
    public PartnerView partnerViewSince(long sinceNanos) {
        return partnerViewNanos >= sinceNanos ? partnerView : PartnerView.NONE;
    }

    /**
     * Whether {@code observation}, not yet folded in, is a soft miss: a timeout, or an answer in RUN whose
     * heartbeat did not advance. Both controllers missing softly at once is common mode.
     */
    public boolean softMiss(Observation observation) {
        return switch (observation.result()) {
            case LinkResult.Ok<StatusReading> ok ->
                ok.value().status() == RunStatus.RUN
                        && previousHeartbeat >= 0
                        && ok.value().heartbeat() == previousHeartbeat;
            case LinkResult.Failed<StatusReading> failed -> failed.error() == LinkError.TIMEOUT;
        };
    }

    /** Folds one poll into the verdict and returns the new health. */
    public Health observe(Observation observation) {
        return observe(observation, false, PartnerView.NONE);
    }

    /**
     * Folds one poll into the verdict and returns the new health.
     *
     * @param otherMissedToo the other controller of the pair missed a poll at the same time: a soft miss
     *     is then common mode (the gateway's side), not evidence against this controller
     * @param partnerSays what the other controller reports of this one over the partner link, fresh
     *     (see {@link #partnerViewSince}); {@link PartnerView#NONE} when there is no such report
     */
    public Health observe(Observation observation, boolean otherMissedToo, PartnerView partnerSays) {
        if (!observation.controllerId().equals(controllerId)) {
            throw new IllegalArgumentException(
                    "observation of " + observation.controllerId() + " fed to tracker of " + controllerId);
        }
        if (firstSeenNanos == Long.MIN_VALUE) {
            firstSeenNanos = observation.sentNanos();
        }
        if (!armed && armWithinNanos > 0 && observation.doneNanos() - firstSeenNanos >= armWithinNanos) {
            armed = true;
        }
        return switch (observation.result()) {
            case LinkResult.Ok<StatusReading> ok -> answered(observation, ok, otherMissedToo, partnerSays);
            case LinkResult.Failed<StatusReading> failed -> {
                Evidence evidence = Evidence.of(failed.error(), lastFailure);
                if (failed.error() != LinkError.BACKING_OFF) {
                    lastFailure = evidence;
                }
                String what = failed.error() + ": " + failed.detail();
                String discount = evidence == Evidence.SOFT ? discount(observation, otherMissedToo, partnerSays) : null;
                yield discount == null
                        ? bad(observation, false, what + evidenceNote(evidence, partnerSays), null, -1)
                        : inconclusive(observation, what + " (inconclusive: " + discount + ")");
            }
        };
    }

    /** Why a soft miss is no evidence against the controller, or {@code null} when it counts. */
    private String discount(Observation observation, boolean otherMissedToo, PartnerView partnerSays) {
        if (!observation.onTime()) {
            return "the gateway itself was paused or late";
        }
        if (otherMissedToo) {
            return "the other controller missed at the same time (common mode)";
        }
        if (!armed && health.condition() != Condition.UNKNOWN && partnerSays != PartnerView.LOST) {
            // A controller that never answered is not convicted by this (it was never healthy); its
            // misses make it FAILED, and discovery gives it its own grace before acting on that.
            return "detection not armed yet";
        }
        return null;
    }

    /**
     * What a counted miss rests on, for the verdict's reason and so for every failover event (safety
     * rule 7): the evidence, and for soft evidence the checks it passed.
     */
    private static String evidenceNote(Evidence evidence, PartnerView partnerSays) {
        if (evidence == Evidence.HARD) {
            return " [hard evidence]";
        }
        String checks = "soft evidence: the gateway ran on time, the other controller was not missing too";
        return switch (partnerSays) {
            case NONE -> " [" + checks + "]";
            case LOST -> " [" + checks + "; corroborated: its partner has lost it on the partner link]";
            case ALIVE ->
                " [" + checks + "; its partner still sees it alive on the partner link: its communication"
                        + " failed, not its program]";
        };
    }

    /** A bad poll that counts neither way: the verdict, the counts and the flags stay as they were. */
    private Health inconclusive(Observation observation, String reason) {
        onTimeGoodInRow = 0;
        health = health.withReason(reason);
        return health;
    }

    private Health answered(
            Observation observation, LinkResult.Ok<StatusReading> ok, boolean otherMissedToo, PartnerView partnerSays) {
        StatusReading reading = ok.value();
        partnerView = reading.partner();
        partnerViewNanos = observation.sentNanos();
        int previous = previousHeartbeat;
        previousHeartbeat = reading.heartbeat();
        if (reading.status() != RunStatus.RUN) {
            // The controller's own report: hard evidence.
            lastFailure = Evidence.HARD;
            return bad(
                    observation,
                    true,
                    "controller reports status " + reading.status() + " (fault code " + reading.faultCode() + ")"
                            + " [its own report]",
                    reading,
                    ok.latencyNanos());
        }
        if (previous >= 0 && reading.heartbeat() == previous) {
            // Two answers without a scan between them: the controller stalls, or the two reads came too
            // close after a pause of the gateway's. Soft: it counts only when the gateway ran on time.
            String what = "heartbeat did not advance (stuck at " + reading.heartbeat() + ")";
            String discount = discount(observation, otherMissedToo, partnerSays);
            return discount == null
                    ? bad(
                            observation,
                            true,
                            what + evidenceNote(Evidence.SOFT, partnerSays),
                            reading,
                            ok.latencyNanos())
                    : inconclusive(observation, what + " (inconclusive: " + discount + ")");
        }
        if (observation.onTime()) {
            onTimeGoodInRow++;
            if (!armed && onTimeGoodInRow >= armAfter) {
                armed = true;
            }
        } else {
            // A late poll says nothing of the baseline: the row starts again.
            onTimeGoodInRow = 0;
        }
        consecutiveGood++;
        Condition condition = health.condition();
        boolean recovering = condition == Condition.FAILED || condition == Condition.UNKNOWN;
        Condition next = recovering && consecutiveGood < recoveryPolls ? condition : Condition.HEALTHY;
        health = new Health(
                controllerId,
                next,
                true,
                reading.role(),
                reading.status(),
                reading.outputsEnabled(),
                reading.driving(),
                reading.heartbeat(),
                ok.latencyNanos(),
                observation.doneNanos(),
                Long.MIN_VALUE,
                0,
                "",
                observation.sentNanos());
        return health;
    }

    private Health bad(Observation observation, boolean reachable, String reason, StatusReading reading, long latency) {
        consecutiveGood = 0;
        onTimeGoodInRow = 0;
        int misses = health.consecutiveBad() + 1;
        Condition condition = health.condition();
        Condition next;
        if (misses >= missesBeforeFault) {
            next = Condition.FAILED;
        } else if (condition == Condition.HEALTHY || condition == Condition.SUSPECT) {
            next = Condition.SUSPECT;
        } else {
            next = condition;
        }
        long badSince = health.consecutiveBad() == 0 ? observation.sentNanos() : health.badSinceNanos();
        health = new Health(
                controllerId,
                next,
                reachable,
                reading != null ? reading.role() : health.role(),
                reading != null ? reading.status() : health.status(),
                reading != null ? reading.outputsEnabled() : health.outputsEnabled(),
                reading != null ? reading.driving() : health.driving(),
                reading != null ? reading.heartbeat() : health.heartbeat(),
                reading != null ? latency : health.latencyNanos(),
                health.lastGoodNanos(),
                badSince,
                misses,
                reason,
                observation.sentNanos());
        return health;
    }
}
