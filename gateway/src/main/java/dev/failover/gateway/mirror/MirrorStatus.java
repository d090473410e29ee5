package dev.failover.gateway.mirror;

import java.util.Map;
import java.util.Objects;

/**
 * How far one pair's standby is behind its active controller on the mirrored tags, at one instant.
 * The replication lag is what a takeover now would lose (the RPO of the mirrored state): when the
 * standby is in sync, at most what the active changed since the last cycle ({@code lastCycleAgeMillis}
 * plus a period); otherwise at most what it changed within {@code lagMillis}.
 *
 * @param pair the pair
 * @param inSync whether the last cycle left the standby holding the active's value of every mirrored
 *     tag (false while a value is rejected: the standby then keeps its last good value on purpose)
 * @param lagMillis time since the standby last matched the active on every mirrored tag; 0 when in
 *     sync; before the first match, the time since the mirror started
 * @param lagCycles mirror cycles since the standby last matched; 0 when in sync
 * @param lastCycleAgeMillis time since the last successful cycle (both controllers read, every
 *     difference written and read back), -1 before the first
 * @param cycles mirror cycles since start, whether or not they could copy
 * @param valuesCopied values written to a standby since start
 * @param activeId the controller the last cycle mirrored from, empty when it had none
 * @param standbyId the controller it mirrored to, empty when it had none
 * @param rejected each tag whose latest value from the active was rejected, with why
 * @param unauthorised each tag only the gateway may change whose value on the active the gateway did
 *     not write, held back from the standby, with the values in words
 * @param why why the standby is not in sync, empty when it is
 */
public record MirrorStatus(
        String pair,
        boolean inSync,
        long lagMillis,
        long lagCycles,
        long lastCycleAgeMillis,
        long cycles,
        long valuesCopied,
        String activeId,
        String standbyId,
        Map<String, Rejection> rejected,
        Map<String, String> unauthorised,
        String why) {

    public MirrorStatus {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(activeId, "activeId");
        Objects.requireNonNull(standbyId, "standbyId");
        Objects.requireNonNull(why, "why");
        rejected = Map.copyOf(rejected);
        unauthorised = Map.copyOf(unauthorised);
    }
}
