package dev.failover.hardware;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OutputEnableRelays} over any two {@link Relay}s: the interlock and the feedback check, with
 * no GPIO code of its own.
 *
 * <p>Thread-safety: every public method is {@code synchronized}, so the interlock's check of the other
 * relay and the write to this one cannot interleave with another call.
 */
public final class InterlockedOutputEnableRelays implements OutputEnableRelays {

    private static final Logger log = LoggerFactory.getLogger(InterlockedOutputEnableRelays.class);

    private final Map<String, Relay> relays;
    private final Duration feedbackSettle;

    /**
     * @param relays the relay of each controller, keyed by controller id; exactly two
     * @param feedbackSettle how long to wait for the feedback to agree after each write
     */
    public InterlockedOutputEnableRelays(Map<String, ? extends Relay> relays, Duration feedbackSettle) {
        if (relays.size() != 2) {
            throw new IllegalArgumentException(
                    "an output-enable interlock needs exactly two relays, one per controller; got " + relays.keySet());
        }
        this.relays = Collections.unmodifiableMap(new LinkedHashMap<>(relays));
        this.feedbackSettle = Objects.requireNonNull(feedbackSettle, "feedbackSettle");
        this.relays.forEach(InterlockedOutputEnableRelays::warnIfStuck);
    }

    @Override
    public Set<String> controllerIds() {
        return relays.keySet();
    }

    @Override
    public synchronized RelayResult cut(String controllerId) {
        Relay relay = relay(controllerId);
        String otherId = otherThan(controllerId);
        Optional<String> otherCut = whyCut(relays.get(otherId));
        if (otherCut.isPresent()) {
            return logged(new RelayResult.Refused(
                    controllerId,
                    RelayAction.CUT,
                    RelayResult.Refusal.OTHER_CONTROLLER_CUT,
                    otherId + " is already cut (" + otherCut.get()
                            + "); cutting both would leave the process undriven"));
        }
        return logged(drive(controllerId, relay, RelayAction.CUT, true));
    }

    @Override
    public synchronized RelayResult restore(String controllerId) {
        return logged(drive(controllerId, relay(controllerId), RelayAction.RESTORE, false));
    }

    @Override
    public synchronized boolean isCut(String controllerId) {
        return whyCut(relay(controllerId)).isPresent();
    }

    private RelayResult drive(String controllerId, Relay relay, RelayAction action, boolean energize) {
        try {
            relay.energize(energize);
        } catch (HardwareException e) {
            log.error("{} {}: writing the relay coil on {} failed", action, controllerId, relay.coilPin(), e);
            return new RelayResult.Failed(
                    controllerId,
                    action,
                    RelayResult.Failure.WRITE_ERROR,
                    relay.coilPin(),
                    "coil write failed: " + e.getMessage(),
                    Optional.of(e));
        }
        Optional<GpioPin> feedbackPin = relay.feedbackPin();
        if (feedbackPin.isEmpty()) {
            return new RelayResult.Unconfirmed(controllerId, action);
        }
        GpioPin pin = feedbackPin.get();
        try {
            Optional<Boolean> seen = relay.awaitFeedback(energize, feedbackSettle);
            if (seen.equals(Optional.of(energize))) {
                return new RelayResult.Confirmed(controllerId, action, pin);
            }
            return new RelayResult.Failed(
                    controllerId,
                    action,
                    RelayResult.Failure.FEEDBACK_MISMATCH,
                    pin,
                    "feedback reads "
                            + seen.map(InterlockedOutputEnableRelays::state).orElse("nothing") + " "
                            + feedbackSettle.toMillis() + " ms after "
                            + (energize ? "energising" : "releasing") + " the coil on " + relay.coilPin()
                            + ": relay stuck or feedback wiring broken",
                    Optional.empty());
        } catch (InterruptedException e) {
            // The caller's interrupt wins over our wait; it is reported, and re-asserted for the caller.
            Thread.currentThread().interrupt();
            return new RelayResult.Failed(
                    controllerId,
                    action,
                    RelayResult.Failure.INTERRUPTED,
                    pin,
                    "interrupted while waiting for the feedback",
                    Optional.empty());
        } catch (HardwareException e) {
            log.error("{} {}: reading the feedback on {} failed", action, controllerId, pin, e);
            return new RelayResult.Failed(
                    controllerId,
                    action,
                    RelayResult.Failure.FEEDBACK_UNREADABLE,
                    pin,
                    "feedback read failed: " + e.getMessage(),
                    Optional.of(e));
        }
    }

    /** Why the relay's controller may be cut, or empty if it is known not to be. */
    private static Optional<String> whyCut(Relay relay) {
        if (relay.energized()) {
            return Optional.of("relay commanded energised");
        }
        Optional<GpioPin> pin = relay.feedbackPin();
        try {
            if (relay.feedback().orElse(false)) {
                return Optional.of("feedback on " + pin.orElseThrow() + " reads energised");
            }
            return Optional.empty();
        } catch (HardwareException e) {
            // Unknown counts as cut: the interlock must err towards keeping one controller driving.
            log.warn("Feedback on {} unreadable; counting its controller as possibly cut", pin.orElseThrow(), e);
            return Optional.of("feedback on " + pin.orElseThrow() + " unreadable");
        }
    }

    private static void warnIfStuck(String controllerId, Relay relay) {
        whyCut(relay)
                .ifPresent(why -> log.warn(
                        "Output-enable relay of {} is not released at start ({}); the interlock will refuse to cut the other controller",
                        controllerId,
                        why));
    }

    private Relay relay(String controllerId) {
        Relay relay = relays.get(controllerId);
        if (relay == null) {
            throw new IllegalArgumentException(
                    "no output-enable relay for controller '" + controllerId + "'; known: " + relays.keySet());
        }
        return relay;
    }

    private String otherThan(String controllerId) {
        return relays.keySet().stream()
                .filter(id -> !id.equals(controllerId))
                .findFirst()
                .orElseThrow();
    }

    private static String state(boolean energized) {
        return energized ? "energised" : "de-energised";
    }

    private static RelayResult logged(RelayResult result) {
        switch (result) {
            case RelayResult.Confirmed confirmed -> log.info("{}", confirmed.message());
            case RelayResult.Unconfirmed unconfirmed -> log.info("{}", unconfirmed.message());
            case RelayResult.Failed failed -> log.warn("{}", failed.message());
            case RelayResult.Refused refused -> log.warn("{}", refused.message());
        }
        return result;
    }
}
