package dev.failover.hardware;

import java.util.Set;

/**
 * The two output-enable relays of a controller pair, one per controller, keyed by controller id.
 *
 * <p><b>Wiring convention.</b> Each relay's normally-closed contact is in series with its controller's
 * output-enable input. A de-energised relay (gateway stopped, unpowered, or its relay supply lost)
 * therefore leaves that controller's outputs enabled and the process keeps running ("fail as is");
 * energising a relay <em>cuts</em> that controller's outputs (fencing). Where an auxiliary contact of
 * the relay is wired to an input, it reports whether the relay really moved.
 *
 * <p><b>Interlock.</b> The box never cuts both controllers at once, because that would leave the
 * process undriven: {@link #cut} is refused (a {@link RelayResult.Refused} value, not an exception)
 * while the other controller {@linkplain #isCut may be cut}. "May be cut" counts both the commanded
 * state and the feedback, so a relay stuck energised also blocks the other cut.
 *
 * <p><b>Thread-safety.</b> Safe for use by several threads. Calls are serialised, so the interlock's
 * check and the write are atomic; a call blocks for at most the configured feedback settle time.
 */
public interface OutputEnableRelays {

    /** The two controller ids, in configuration order. */
    Set<String> controllerIds();

    /**
     * Cuts the controller's outputs by energising its relay, unless the interlock refuses, then waits up
     * to the settle time for the feedback to confirm. Cutting a controller that is already cut drives
     * and confirms the relay again. After a {@link RelayResult.Failed} result the relay stays commanded
     * energised: the box cannot tell whether the outputs are cut, so it keeps trying to cut them and
     * keeps counting the controller as possibly cut for the interlock.
     *
     * @throws IllegalArgumentException if {@code controllerId} is not one of {@link #controllerIds()}
     */
    RelayResult cut(String controllerId);

    /**
     * Enables the controller's outputs again by releasing its relay, then waits up to the settle time
     * for the feedback to confirm. Never refused: enabling outputs cannot leave the process undriven.
     *
     * @throws IllegalArgumentException if {@code controllerId} is not one of {@link #controllerIds()}
     */
    RelayResult restore(String controllerId);

    /**
     * Whether the controller's outputs may be cut: its relay is commanded energised, or its feedback
     * reads energised, or its feedback cannot be read.
     *
     * @throws IllegalArgumentException if {@code controllerId} is not one of {@link #controllerIds()}
     */
    boolean isCut(String controllerId);
}
