package dev.failover.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HardwareConfigTest {

    static final LedPins LEDS = new LedPins(GpioPin.activeHigh(16), GpioPin.activeHigh(20), GpioPin.activeHigh(21));

    static Map<String, RelayPins> relays() {
        Map<String, RelayPins> relays = new LinkedHashMap<>();
        relays.put("plc-b", RelayPins.withFeedback(GpioPin.activeHigh(5), GpioPin.activeHigh(6)));
        relays.put("plc-a", RelayPins.withoutFeedback(GpioPin.activeHigh(13)));
        return relays;
    }

    @Test
    void appliesDefaultDurationsAndKeepsRelayOrder() {
        HardwareConfig config = new HardwareConfig("pair-1", relays(), LEDS, GpioPin.activeLow(26));

        assertThat(config.switchDebounce()).isEqualTo(HardwareConfig.DEFAULT_SWITCH_DEBOUNCE);
        assertThat(config.feedbackSettle()).isEqualTo(HardwareConfig.DEFAULT_FEEDBACK_SETTLE);
        assertThat(config.relays().keySet()).containsExactly("plc-b", "plc-a");
    }

    @Test
    void isNotChangedThroughTheCallersMap() {
        Map<String, RelayPins> relays = relays();
        HardwareConfig config = new HardwareConfig("pair-1", relays, LEDS, GpioPin.activeLow(26));

        relays.clear();

        assertThat(config.relays()).hasSize(2);
        assertThatThrownBy(() -> config.relays().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void needsOneRelayPerControllerOfThePair() {
        Map<String, RelayPins> one = Map.of("plc-a", RelayPins.withoutFeedback(GpioPin.activeHigh(13)));

        assertThatThrownBy(() -> new HardwareConfig("pair-1", one, LEDS, GpioPin.activeLow(26)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pair pair-1")
                .hasMessageContaining("exactly one output-enable relay per controller");
    }

    @Test
    void aPinUsedTwiceNamesBothKeys() {
        assertThatThrownBy(() -> new HardwareConfig("pair-1", relays(), LEDS, GpioPin.activeLow(6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("manualSwitch uses BCM 6, already used by relays.plc-b.feedback");
    }

    @Test
    void rejectsNegativeOrHugeDurationsNamingTheKey() {
        assertThatThrownBy(() -> new HardwareConfig(
                        "pair-1", relays(), LEDS, GpioPin.activeLow(26), Duration.ofMillis(-1), null))
                .hasMessageContaining("switchDebounce");
        assertThatThrownBy(() -> new HardwareConfig(
                        "pair-1", relays(), LEDS, GpioPin.activeLow(26), null, Duration.ofSeconds(10)))
                .hasMessageContaining("feedbackSettle");
    }

    @Test
    void needsAPairId() {
        assertThatThrownBy(() -> new HardwareConfig(" ", relays(), LEDS, GpioPin.activeLow(26)))
                .hasMessageContaining("pairId");
    }

    @Test
    void gpioNumbersAreBcmNumbers() {
        assertThatThrownBy(() -> GpioPin.activeHigh(54)).hasMessageContaining("BCM");
        assertThat(GpioPin.activeLow(17)).hasToString("BCM 17 (active low)");
    }
}
