package dev.failover.hardware.pi4j;

import static dev.failover.hardware.pi4j.TestBox.AMBER_ID;
import static dev.failover.hardware.pi4j.TestBox.GREEN_ID;
import static dev.failover.hardware.pi4j.TestBox.RED_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.pi4j.io.gpio.digital.DigitalState;
import dev.failover.hardware.GpioPin;
import dev.failover.hardware.LedPattern;
import dev.failover.hardware.LedPins;
import dev.failover.hardware.StatusLeds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Pi4jStatusLedsTest {

    private final MockGpio gpio = new MockGpio();

    @AfterEach
    void close() {
        gpio.close();
    }

    @Test
    void ledsStartDark() {
        StatusLeds leds = Pi4jHardware.open(gpio.pi4j, TestBox.config()).statusLeds();

        assertThat(leds.showing()).isEqualTo(LedPattern.OFF);
        assertThat(levels()).isEqualTo("LOW LOW LOW");
    }

    @ParameterizedTest(name = "{0} lights green/amber/red = {1}")
    @CsvSource({
        "OFF,       LOW LOW LOW",
        "HEALTHY,   HIGH LOW LOW",
        "DEGRADED,  LOW HIGH LOW",
        "SWITCHING, HIGH HIGH LOW",
        "ALARM,     LOW LOW HIGH"
    })
    void eachPatternSetsItsPins(LedPattern pattern, String greenAmberRed) {
        StatusLeds leds = Pi4jHardware.open(gpio.pi4j, TestBox.config()).statusLeds();
        leds.show(LedPattern.ALARM); // from a different pattern, so every pin may have to change

        leds.show(pattern);

        assertThat(levels()).isEqualTo(greenAmberRed);
        assertThat(leds.showing()).isEqualTo(pattern);
    }

    @Test
    void activeLowLedsAreLitAtLow() {
        LedPins pins = new LedPins(GpioPin.activeLow(16), GpioPin.activeLow(20), GpioPin.activeLow(21));
        Pi4jStatusLeds leds = new Pi4jStatusLeds(gpio.pi4j, "leds", pins);

        leds.show(LedPattern.HEALTHY);

        assertThat(gpio.output("leds.green").state()).isEqualTo(DigitalState.LOW);
        assertThat(gpio.output("leds.amber").state()).isEqualTo(DigitalState.HIGH);
        assertThat(gpio.output("leds.red").state()).isEqualTo(DigitalState.HIGH);
    }

    private String levels() {
        return gpio.output(GREEN_ID).state() + " " + gpio.output(AMBER_ID).state() + " "
                + gpio.output(RED_ID).state();
    }
}
