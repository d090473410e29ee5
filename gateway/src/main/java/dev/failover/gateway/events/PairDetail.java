package dev.failover.gateway.events;

/**
 * Events of one redundant pair: its controllers' health, the failover decisions and their steps,
 * alarms, fences and the journal's catch-up of a returning standby. Enumerated values (states,
 * conditions, alarms) are their names, as the event log writes them.
 */
public sealed interface PairDetail extends EventDetail {

    /** The pair state changed; {@code active} is absent while no controller is the active. */
    record PairState(String from, String to, String active) implements PairDetail {}

    /** A controller's condition changed ({@code HEALTHY}, {@code SUSPECT}, ...), with its role and status. */
    record ControllerHealth(String from, String to, String role, String status) implements PairDetail {}

    /** A controller's timeouts count as missed polls from now on (safety rule 10). */
    record DetectionArmed() implements PairDetail {}

    /**
     * A controller's heartbeat did what no scan can, between two polls it answered: ran {@code
     * BACKWARDS} or made a {@code JUMP} (a spoofed or replayed status, or a restart nobody saw).
     */
    record HeartbeatIrregular(String kind, int from, int to, long elapsedMs) implements PairDetail {}

    /** A controller lost its partner on the partner link, or sees it again ({@code LOST}, {@code ALIVE}, {@code NONE}). */
    record PartnerLink(String partner, String from, String to) implements PairDetail {}

    /** An action ({@code Promote}, {@code Demote}, {@code Fence}, {@code Unfence}) was verified. */
    record StepDone(String step) implements PairDetail {}

    /** An action failed or could not be verified. */
    record StepFailed(String step) implements PairDetail {}

    /** An operator asked for a switchover. */
    record SwitchoverRequested(String requestId, String requestedBy) implements PairDetail {}

    /**
     * A switchover completed: {@code to} is the verified active. Exactly one of {@code detectionMs}
     * and {@code detectionUnknown} is present, and of {@code rtoMs} and {@code rtoUnknown};
     * milliseconds to 0.01. {@code oldActive} says how the old active was kept from driving ({@code
     * demoted}, {@code fenced}, {@code presumed-down}, {@code none}).
     */
    record SwitchoverCompleted(
            String kind,
            String from,
            String to,
            String requestId,
            Double detectionMs,
            String detectionUnknown,
            double switchoverMs,
            Double rtoMs,
            String rtoUnknown,
            String oldActive,
            int attempts)
            implements PairDetail {}

    /** A switchover step failed; it is retried with a back-off. */
    record SwitchoverFailed(String kind, String from, String to, String requestId, String failure, int attempts)
            implements PairDetail {}

    /** A switchover was refused before any step (a requested one the pair cannot make now). */
    record SwitchoverRefused(String kind, String from, String to, String requestId, String failure)
            implements PairDetail {}

    /** A signed waiver ended the heightened mode for the active's findings of now ({@code waived}). */
    record PostureWaived(String signer, String reason, String waived) implements PairDetail {}

    /** A signed re-arm ended the storm lock ({@code lock}): automatic switchovers are allowed again. */
    record Rearmed(String signer, String reason, String lock) implements PairDetail {}

    /** An alarm was raised (docs/operations.md lists them). */
    record AlarmRaised(String alarm) implements PairDetail {}

    /** An alarm cleared. */
    record AlarmCleared(String alarm) implements PairDetail {}

    /** At start, a relay's feedback disagrees with the fence record; the relay wins. */
    record FenceReconciled(String recorded, boolean cut) implements PairDetail {}

    /** At start, a relay cannot be read; the fence record decides (a cut is presumed to hold). */
    record FenceStateUnknown(String recorded, boolean cut) implements PairDetail {}

    /** At start, the fence record cannot be read; the relays' feedback decides. */
    record FenceRecordUnreadable(String file) implements PairDetail {}

    /** A returning standby was given the acknowledged writes it missed. */
    record JournalCaughtUp(int commands) implements PairDetail {}

    /** Giving a returning standby the writes it missed failed; it is held not ready. */
    record JournalCatchUpFailed(int commands, String failure) implements PairDetail {}
}
