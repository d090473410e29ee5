package dev.failover.hardware;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The box I/O of one controller pair: an output-enable relay per controller, three status LEDs and a
 * manual switchover key. GPIO lines are BCM numbers. Validated once, here: every error names the key
 * ({@code relays.<controller>.coil}, {@code leds.green}, ...) and the fix.
 *
 * <p>Immutable; the relay map keeps the caller's order.
 *
 * @param pairId the pair these parts belong to; prefixes the GPIO ids and log lines
 * @param relays the output-enable relay of each controller, keyed by controller id; exactly two
 * @param leds the pair's status LEDs
 * @param manualSwitch the manual switchover key input; active = pressed
 * @param switchDebounce a key edge that follows another within this window is a bounce; {@code null}
 *     means {@link #DEFAULT_SWITCH_DEBOUNCE}
 * @param feedbackSettle how long a relay may take to move its auxiliary contact after a write before
 *     the write counts as failed; {@code null} means {@link #DEFAULT_FEEDBACK_SETTLE}
 */
public record HardwareConfig(
        String pairId,
        Map<String, RelayPins> relays,
        LedPins leds,
        GpioPin manualSwitch,
        Duration switchDebounce,
        Duration feedbackSettle) {

    /** Long enough for the contact bounce of common key switches and push buttons (1–20 ms). */
    public static final Duration DEFAULT_SWITCH_DEBOUNCE = Duration.ofMillis(50);

    /** Operate/release time of a small signal or interface relay (5–15 ms) with margin for bounce. */
    public static final Duration DEFAULT_FEEDBACK_SETTLE = Duration.ofMillis(100);

    /** Upper bound for both durations: a cut blocks its caller for up to {@code feedbackSettle}. */
    public static final Duration MAX_DURATION = Duration.ofSeconds(2);

    public HardwareConfig {
        if (pairId == null || pairId.isBlank()) {
            throw new IllegalArgumentException(
                    "hardware.pairId is missing: name the pair these relays and LEDs belong to");
        }
        String where = "hardware of pair " + pairId + ": ";
        Objects.requireNonNull(relays, where + "relays");
        Objects.requireNonNull(leds, where + "leds");
        Objects.requireNonNull(manualSwitch, where + "manualSwitch");
        if (relays.size() != 2) {
            throw new IllegalArgumentException(where + "relays has " + relays.size() + " entries " + relays.keySet()
                    + ": configure exactly one output-enable relay per controller of the pair (two)");
        }
        for (Map.Entry<String, RelayPins> relay : relays.entrySet()) {
            if (relay.getKey() == null || relay.getKey().isBlank()) {
                throw new IllegalArgumentException(
                        where + "relays has a blank controller id: use the controller ids of the pair");
            }
            Objects.requireNonNull(relay.getValue(), where + "relays." + relay.getKey());
        }
        relays = Collections.unmodifiableMap(new LinkedHashMap<>(relays));
        switchDebounce = within(where + "switchDebounce", switchDebounce, DEFAULT_SWITCH_DEBOUNCE);
        feedbackSettle = within(where + "feedbackSettle", feedbackSettle, DEFAULT_FEEDBACK_SETTLE);
        requireDistinctPins(where, relays, leds, manualSwitch);
    }

    /** A config with the default debounce and feedback settle time. */
    public HardwareConfig(String pairId, Map<String, RelayPins> relays, LedPins leds, GpioPin manualSwitch) {
        this(pairId, relays, leds, manualSwitch, null, null);
    }

    private static Duration within(String key, Duration value, Duration fallback) {
        Duration duration = value == null ? fallback : value;
        if (duration.isNegative() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(
                    key + " is " + duration + ": give a duration from 0 to " + MAX_DURATION.toMillis() + " ms");
        }
        return duration;
    }

    private static void requireDistinctPins(
            String where, Map<String, RelayPins> relays, LedPins leds, GpioPin manualSwitch) {
        List<Map.Entry<String, GpioPin>> pins = new ArrayList<>();
        relays.forEach((controller, relay) -> {
            pins.add(Map.entry("relays." + controller + ".coil", relay.coil()));
            relay.feedback().ifPresent(pin -> pins.add(Map.entry("relays." + controller + ".feedback", pin)));
        });
        pins.add(Map.entry("leds.green", leds.green()));
        pins.add(Map.entry("leds.amber", leds.amber()));
        pins.add(Map.entry("leds.red", leds.red()));
        pins.add(Map.entry("manualSwitch", manualSwitch));
        Map<Integer, String> owners = new HashMap<>();
        for (Map.Entry<String, GpioPin> pin : pins) {
            String owner = owners.putIfAbsent(pin.getValue().bcm(), pin.getKey());
            if (owner != null) {
                throw new IllegalArgumentException(where + pin.getKey() + " uses BCM "
                        + pin.getValue().bcm() + ", already used by " + owner + ": give each signal its own GPIO");
            }
        }
    }
}
