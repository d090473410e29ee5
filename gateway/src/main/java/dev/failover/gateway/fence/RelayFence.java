package dev.failover.gateway.fence;

import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.hardware.OutputEnableRelays;
import dev.failover.hardware.RelayResult;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller's output-enable relay on the gateway box, one of a pair's {@link OutputEnableRelays}
 * (docs/hardware.md): a cut energises the relay, whose normally-closed contact then opens the
 * controller's output-enable input. The hardware module's interlock refuses to cut both controllers
 * of a pair.
 *
 * <p>Results: only {@link RelayResult.Confirmed} is a confirmed state. A cut the relay could not
 * confirm ({@link RelayResult.Unconfirmed}: no feedback contact) is not proof that the outputs are
 * cut, so it is {@link LinkError#REJECTED} and the failover controller does not promote (safety rule
 * 1: never promote when unsure); an unconfirmed restore is accepted, since restoring never risks two
 * drivers. {@link RelayResult.Failed} and {@link RelayResult.Refused} are {@link LinkError#REJECTED} with
 * the hardware module's one-line message.
 *
 * <p>Thread-safe (the relays are); a call blocks for at most the box's feedback settle time.
 */
public final class RelayFence implements Fence {

    private static final Logger log = LoggerFactory.getLogger(RelayFence.class);

    private final String controllerId;
    private final OutputEnableRelays relays;

    /**
     * @param feedbackWired whether the relay's auxiliary contact is wired to an input; without it no
     *     cut can be confirmed, which is logged once, here
     * @throws IllegalArgumentException if {@code relays} has no relay for {@code controllerId}
     */
    public RelayFence(String controllerId, OutputEnableRelays relays, boolean feedbackWired) {
        this.controllerId = Objects.requireNonNull(controllerId, "controllerId");
        this.relays = Objects.requireNonNull(relays, "relays");
        if (!relays.controllerIds().contains(controllerId)) {
            throw new IllegalArgumentException(
                    "the box has no output-enable relay for " + controllerId + ", only for " + relays.controllerIds());
        }
        if (!feedbackWired) {
            log.warn(
                    "fencing of {} is not confirmed by feedback: its relay has no auxiliary contact wired, so a"
                            + " stuck relay goes unseen",
                    controllerId);
        }
    }

    @Override
    public String controllerId() {
        return controllerId;
    }

    @Override
    public LinkResult<Boolean> cut() {
        long start = System.nanoTime();
        return result(relays.cut(controllerId), false, start);
    }

    @Override
    public LinkResult<Boolean> restore() {
        long start = System.nanoTime();
        return result(relays.restore(controllerId), true, start);
    }

    /** The box's own view: cut while the relay is commanded energised or its feedback says so or cannot be read. */
    @Override
    public LinkResult<Boolean> outputsEnabled() {
        return LinkResult.ok(!relays.isCut(controllerId), 0);
    }

    /**
     * @param enabled the output-enable state the command was for: false after a cut
     */
    private LinkResult<Boolean> result(RelayResult result, boolean enabled, long start) {
        long took = System.nanoTime() - start;
        return switch (result) {
            case RelayResult.Confirmed confirmed -> {
                log.info("{}", confirmed.message());
                yield LinkResult.ok(enabled, took);
            }
            case RelayResult.Unconfirmed unconfirmed -> {
                log.warn("{}", unconfirmed.message());
                yield enabled
                        ? LinkResult.ok(true, took)
                        : LinkResult.failed(
                                LinkError.REJECTED,
                                unconfirmed.message()
                                        + "; without feedback the cut is not confirmed, so the standby is not promoted");
            }
            case RelayResult.Failed failed -> {
                log.error("{}", failed.message(), failed.cause().orElse(null));
                yield LinkResult.failed(LinkError.REJECTED, failed.message());
            }
            case RelayResult.Refused refused -> {
                log.error("{}", refused.message());
                yield LinkResult.failed(LinkError.REJECTED, refused.message());
            }
        };
    }
}
