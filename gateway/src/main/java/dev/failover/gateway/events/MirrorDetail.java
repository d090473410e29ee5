package dev.failover.gateway.events;

/**
 * Events of the state mirror that keeps the standby in sync: rejected values and mismatches are
 * raised once per tag and cleared with an event, lag when it begins and ends. Values are in
 * engineering units, {@code raw} as read from the controller.
 */
public sealed interface MirrorDetail extends EventDetail {

    /** A value of the active failed validation ({@code rule}) and was not copied to {@code standby}. */
    record MirrorRejected(String tag, double value, double raw, String rule, String detail, String standby)
            implements MirrorDetail {}

    /** The tag's value passes validation again; {@code was} is the rule it had failed. */
    record MirrorRejectionCleared(String tag, double value, String was) implements MirrorDetail {}

    /** The standby holds another value than the one just written to it. */
    record MirrorMismatch(String tag, double wrote, double holds) implements MirrorDetail {}

    /** The standby holds the active's value of the tag again. */
    record MirrorMismatchCleared(String tag) implements MirrorDetail {}

    /** The standby has not matched the active for two mirror cycles, and why. */
    record MirrorLagging(String active, String standby, long lagMs, long lagCycles, String reason)
            implements MirrorDetail {}

    /**
     * A tag only the gateway may change holds a value on the active that the command journal does
     * not explain (written past the gateway): it is held back, the standby keeps {@code authorised}.
     * {@code technique} is the MITRE ATT&CK for ICS technique it matches (T0836, Modify Parameter).
     */
    record UnauthorisedChange(
            String tag, double authorised, double found, String active, String standby, String technique)
            implements MirrorDetail {}

    /** The tag holds an authorised value again ({@code how}: a signed write accepted or reverted it). */
    record UnauthorisedChangeCleared(String tag, double value, String how) implements MirrorDetail {}

    /** The standby matches the active on every mirrored tag; how long it was behind. */
    record MirrorInSync(String active, String standby, long lagMs, long lagCycles) implements MirrorDetail {}
}
