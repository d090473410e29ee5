package dev.failover.gateway.mirror;

import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.MirrorDetail;
import java.time.Clock;

/**
 * The mirror's events, with their reasons (safety rule 7). Rejections and mismatches are raised
 * once per tag and cleared with an event, as alarms are; lag is reported when it begins and ends.
 *
 * <ul>
 *   <li>{@code MIRROR_REJECTED}: a value of the active failed validation and was not copied; fields
 *       {@code tag}, {@code value} (engineering), {@code raw}, {@code rule}, {@code detail}, {@code
 *       standby}. Alarm level: once per tag until its value passes again.
 *   <li>{@code MIRROR_REJECTION_CLEARED}: the tag's value passes again (and is mirrored).
 *   <li>{@code MIRROR_MISMATCH}: the standby holds another value than the one just written to it;
 *       once per tag until it holds the active's value. {@code MIRROR_MISMATCH_CLEARED} then.
 *   <li>{@code MIRROR_LAGGING}: the standby has not matched the active for {@value
 *       StateMirror#LAGGING_AFTER_CYCLES} cycles; fields {@code lagMs}, {@code lagCycles}, {@code
 *       reason}.
 *   <li>{@code UNAUTHORISED_CHANGE}: a tag only the gateway may change holds a value on the active
 *       that the journal does not explain; held back ({@link ChangeWatch}). {@code
 *       UNAUTHORISED_CHANGE_CLEARED} when it holds an authorised value again.
 *   <li>{@code MIRROR_IN_SYNC}: the standby matches the active on every mirrored tag, the first time
 *       or again after {@code MIRROR_LAGGING}; {@code lagMs} and {@code lagCycles} say how long it was
 *       behind.
 * </ul>
 *
 * <p>Thread-safe if the sink is.
 */
final class MirrorEvents {

    private final String pair;
    private final Clock clock;
    private final EventSink sink;

    MirrorEvents(String pair, Clock clock, EventSink sink) {
        this.pair = pair;
        this.clock = clock;
        this.sink = sink;
    }

    void rejected(String active, String standby, TagConfig tag, double raw, Rejection why) {
        publish(
                active,
                "value of " + tag.name() + " on " + active + " not mirrored (" + why.rule() + "): " + why.detail()
                        + "; " + standby + " keeps its last good value",
                new MirrorDetail.MirrorRejected(
                        tag.name(), tag.engineering(raw), raw, why.rule().name(), why.detail(), standby));
    }

    void rejectionCleared(String active, TagConfig tag, double raw, Rejection was) {
        publish(
                active,
                "value of " + tag.name() + " on " + active + " passes again: "
                        + MirrorValidator.format(tag.engineering(raw)) + unit(tag),
                new MirrorDetail.MirrorRejectionCleared(
                        tag.name(), tag.engineering(raw), was.rule().name()));
    }

    void mismatch(String standby, TagConfig tag, double wrote, double holds) {
        publish(
                standby,
                standby + " holds " + MirrorValidator.format(tag.engineering(holds)) + unit(tag) + " of "
                        + tag.name() + " after the mirror wrote " + MirrorValidator.format(tag.engineering(wrote))
                        + unit(tag),
                new MirrorDetail.MirrorMismatch(tag.name(), tag.engineering(wrote), tag.engineering(holds)));
    }

    void mismatchCleared(String standby, TagConfig tag) {
        publish(
                standby,
                standby + " holds the active's value of " + tag.name() + " again",
                new MirrorDetail.MirrorMismatchCleared(tag.name()));
    }

    void lagging(String active, String standby, long lagMillis, long lagCycles, String reason) {
        publish(
                standby,
                "standby " + (standby.isEmpty() ? "" : standby + " ") + "has not matched the active for " + lagCycles
                        + " cycles: " + reason,
                new MirrorDetail.MirrorLagging(
                        active, standby, lagMillis, lagCycles, reason.isEmpty() ? null : reason));
    }

    void inSync(String active, String standby, long lagMillis, long lagCycles) {
        publish(
                standby,
                "standby " + standby + " matches active " + active + " on every mirrored tag",
                new MirrorDetail.MirrorInSync(active, standby, lagMillis, lagCycles));
    }

    void unauthorisedChange(String active, String standby, TagConfig tag, double authorised, double found) {
        publish(
                active,
                tag.name() + " on " + active + " holds " + MirrorValidator.format(tag.engineering(found)) + unit(tag)
                        + ", a value the gateway did not write (only the gateway may change it); not mirrored: "
                        + standby + " keeps the authorised " + MirrorValidator.format(tag.engineering(authorised))
                        + unit(tag) + " until a signed write accepts or reverts it",
                new MirrorDetail.UnauthorisedChange(
                        tag.name(),
                        tag.engineering(authorised),
                        tag.engineering(found),
                        active,
                        standby,
                        ChangeWatch.TECHNIQUE));
    }

    void unauthorisedCleared(String active, TagConfig tag, double value, String how) {
        publish(
                active,
                tag.name() + " on " + active + " holds an authorised value again ("
                        + MirrorValidator.format(tag.engineering(value)) + unit(tag) + "): " + how,
                new MirrorDetail.UnauthorisedChangeCleared(tag.name(), tag.engineering(value), how));
    }

    private static String unit(TagConfig tag) {
        return tag.unit().isEmpty() ? "" : " " + tag.unit();
    }

    private void publish(String controller, String message, MirrorDetail detail) {
        sink.publish(new GatewayEvent(clock.instant(), pair, controller, message, detail));
    }
}
