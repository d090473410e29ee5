package dev.failover.gateway.config;

import dev.failover.hardware.GpioPin;
import dev.failover.hardware.HardwareConfig;
import dev.failover.hardware.LedPins;
import dev.failover.hardware.RelayPins;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The gateway box's own I/O for one pair ({@code box:} in the YAML): the three status LEDs and the
 * manual switchover key, as GPIO BCM numbers. The pair's two output-enable relays are not here: they
 * are the controllers' {@link FenceConfig.Relay relay fences}, and {@link #hardware} joins both.
 *
 * <p>Electrical levels follow the wiring of docs/hardware.md and cannot be configured yet: relay
 * coils, their feedback contacts and the LEDs are active high; the key switches to GND against the
 * input's pull-up, so it is active low.
 *
 * <p>Immutable.
 *
 * @param green the green LED's output
 * @param amber the amber LED's output
 * @param red the red LED's output
 * @param manualSwitch the key switch input
 * @param switchDebounce key edges closer together than this are contact bounce; {@code null} means
 *     {@link HardwareConfig#DEFAULT_SWITCH_DEBOUNCE}
 * @param feedbackSettle how long a relay may take to confirm a cut or restore by its feedback contact;
 *     {@code null} means {@link HardwareConfig#DEFAULT_FEEDBACK_SETTLE}
 */
public record BoxConfig(
        int green, int amber, int red, int manualSwitch, Duration switchDebounce, Duration feedbackSettle) {

    public BoxConfig {
        switchDebounce = switchDebounce == null ? HardwareConfig.DEFAULT_SWITCH_DEBOUNCE : switchDebounce;
        feedbackSettle = feedbackSettle == null ? HardwareConfig.DEFAULT_FEEDBACK_SETTLE : feedbackSettle;
    }

    /**
     * The hardware module's configuration of this pair's box: these LEDs and key, and an output-enable
     * relay per controller taken from its relay fence.
     *
     * @throws IllegalArgumentException if a controller has no relay fence, or the hardware module
     *     refuses the pins or durations (a GPIO used twice, a duration out of range)
     */
    public HardwareConfig hardware(String pairName, List<ControllerConfig> controllers) {
        Map<String, RelayPins> relays = new LinkedHashMap<>();
        for (ControllerConfig c : controllers) {
            if (!(c.fence() instanceof FenceConfig.Relay relay)) {
                throw new IllegalArgumentException("pair " + pairName + " has a box, but controller " + c.id()
                        + " has no relay fence: the box's interlock needs an output-enable relay per controller");
            }
            relays.put(
                    c.id(),
                    RelayPins.withFeedback(GpioPin.activeHigh(relay.pin()), GpioPin.activeHigh(relay.feedbackPin())));
        }
        return new HardwareConfig(
                pairName,
                relays,
                new LedPins(GpioPin.activeHigh(green), GpioPin.activeHigh(amber), GpioPin.activeHigh(red)),
                GpioPin.activeLow(manualSwitch),
                Objects.requireNonNull(switchDebounce),
                Objects.requireNonNull(feedbackSettle));
    }
}
