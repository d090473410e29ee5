package dev.failover.hardware.pi4j;

import dev.failover.hardware.GpioPin;
import dev.failover.hardware.HardwareConfig;
import dev.failover.hardware.LedPins;
import dev.failover.hardware.RelayPins;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The box wiring the Pi4J tests use, and the Pi4J ids {@link Pi4jHardware} gives its lines. */
final class TestBox {

    static final String PAIR = "pair-1";

    static final GpioPin COIL_A = GpioPin.activeHigh(5);
    static final GpioPin FEEDBACK_A = GpioPin.activeHigh(6);
    /** Active-low, as on relay boards whose driver switches on LOW. */
    static final GpioPin COIL_B = GpioPin.activeLow(13);

    static final GpioPin FEEDBACK_B = GpioPin.activeHigh(19);
    static final LedPins LEDS = new LedPins(GpioPin.activeHigh(16), GpioPin.activeHigh(20), GpioPin.activeHigh(21));
    /** Active-high, so the mock input's initial LOW is "released". */
    static final GpioPin KEY = GpioPin.activeHigh(26);

    static final Duration DEBOUNCE = Duration.ofMillis(50);

    static final String COIL_A_ID = "pair-1.relay.plc-a.coil";
    static final String FEEDBACK_A_ID = "pair-1.relay.plc-a.feedback";
    static final String COIL_B_ID = "pair-1.relay.plc-b.coil";
    static final String FEEDBACK_B_ID = "pair-1.relay.plc-b.feedback";
    static final String GREEN_ID = "pair-1.led.green";
    static final String AMBER_ID = "pair-1.led.amber";
    static final String RED_ID = "pair-1.led.red";
    static final String KEY_ID = "pair-1.switch";

    private TestBox() {}

    /** Both relays with feedback; the settle time is zero, so a stuck relay fails at once. */
    static HardwareConfig config() {
        return config(RelayPins.withFeedback(COIL_B, FEEDBACK_B), KEY, Duration.ZERO);
    }

    static HardwareConfig config(RelayPins relayB, GpioPin key, Duration feedbackSettle) {
        Map<String, RelayPins> relays = new LinkedHashMap<>();
        relays.put("plc-a", RelayPins.withFeedback(COIL_A, FEEDBACK_A));
        relays.put("plc-b", relayB);
        return new HardwareConfig(PAIR, relays, LEDS, key, DEBOUNCE, feedbackSettle);
    }
}
