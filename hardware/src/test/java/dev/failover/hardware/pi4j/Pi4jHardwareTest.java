package dev.failover.hardware.pi4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.hardware.GpioPin;
import dev.failover.hardware.HardwareException;
import dev.failover.hardware.PairHardware;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Pi4jHardwareTest {

    private static final List<String> LINES = List.of(
            TestBox.COIL_A_ID,
            TestBox.FEEDBACK_A_ID,
            TestBox.COIL_B_ID,
            TestBox.FEEDBACK_B_ID,
            TestBox.GREEN_ID,
            TestBox.AMBER_ID,
            TestBox.RED_ID,
            TestBox.KEY_ID);

    private final MockGpio gpio = new MockGpio();

    @AfterEach
    void close() {
        gpio.close();
    }

    @Test
    void claimsOneNamedLinePerSignalAndReleasesThemOnClose() {
        PairHardware box = Pi4jHardware.open(gpio.pi4j, TestBox.config());

        assertThat(LINES)
                .allSatisfy(
                        id -> assertThat(gpio.pi4j.registry().exists(id)).as(id).isTrue());
        assertThat(box.outputEnableRelays().controllerIds()).containsExactly("plc-a", "plc-b");

        box.close();

        assertThat(LINES)
                .noneSatisfy(id -> assertThat(gpio.pi4j.registry().exists(id)).isTrue());
    }

    @Test
    void aLineThatCannotBeClaimedFailsOpenAndReleasesTheLinesAlreadyClaimed() {
        // Someone else holds the red LED's GPIO in this context.
        Pi4jIo.output(
                gpio.pi4j,
                "other.owner",
                "other",
                GpioPin.activeHigh(TestBox.LEDS.red().bcm()));

        assertThatThrownBy(() -> Pi4jHardware.open(gpio.pi4j, TestBox.config()))
                .isInstanceOfSatisfying(HardwareException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HardwareException.Reason.SETUP);
                    assertThat(e).hasMessageContaining("BCM 21");
                    assertThat(e.getCause()).isNotNull();
                });
        assertThat(LINES)
                .noneSatisfy(id -> assertThat(gpio.pi4j.registry().exists(id)).isTrue());
    }
}
