package dev.failover.hardware.pi4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.pi4j.io.gpio.digital.DigitalState;
import dev.failover.hardware.GpioPin;
import dev.failover.hardware.RelayPins;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One relay on mock GPIO: what is commanded, what the coil pin does, what the feedback reads. */
class Pi4jRelayTest {

    private static final GpioPin COIL = GpioPin.activeLow(5);
    private static final GpioPin FEEDBACK = GpioPin.activeLow(6);

    private final MockGpio gpio = new MockGpio();

    @AfterEach
    void close() {
        gpio.close();
    }

    @Test
    void energiseDrivesTheCoilAtItsActiveLevel() {
        Pi4jRelay relay = new Pi4jRelay(gpio.pi4j, "r", RelayPins.withoutFeedback(COIL));
        assertThat(relay.energized()).isFalse();
        assertThat(gpio.output("r.coil").state()).isEqualTo(DigitalState.HIGH);

        relay.energize(true);

        assertThat(relay.energized()).isTrue();
        assertThat(gpio.output("r.coil").state()).isEqualTo(DigitalState.LOW);

        relay.energize(false);

        assertThat(relay.energized()).isFalse();
        assertThat(gpio.output("r.coil").state()).isEqualTo(DigitalState.HIGH);
    }

    @Test
    void feedbackIsAReadingNotTheCommand() {
        Pi4jRelay relay = new Pi4jRelay(gpio.pi4j, "r", RelayPins.withFeedback(COIL, FEEDBACK));
        gpio.drive("r.feedback", FEEDBACK, false);

        relay.energize(true);

        assertThat(relay.energized()).isTrue();
        assertThat(relay.feedback()).contains(false);
        gpio.input("r.feedback").mockState(DigitalState.LOW); // active low: the contact closed
        assertThat(relay.feedback()).contains(true);
    }

    @Test
    void noFeedbackPinMeansNoReading() throws InterruptedException {
        Pi4jRelay relay = new Pi4jRelay(gpio.pi4j, "r", RelayPins.withoutFeedback(COIL));

        assertThat(relay.feedback()).isEmpty();
        assertThat(relay.awaitFeedback(true, Duration.ofSeconds(5))).isEmpty();
        assertThat(gpio.pi4j.registry().exists("r.feedback")).isFalse();
    }

    @Test
    void awaitFeedbackReturnsTheLastReadingWhenTheContactNeverMoves() throws InterruptedException {
        Pi4jRelay relay = new Pi4jRelay(gpio.pi4j, "r", RelayPins.withFeedback(COIL, FEEDBACK));
        gpio.drive("r.feedback", FEEDBACK, false);
        relay.energize(true);

        assertThat(relay.awaitFeedback(true, Duration.ZERO)).contains(false);
    }

    @Test
    void closeReleasesTheCoilAndFreesTheLines() {
        Pi4jRelay relay = new Pi4jRelay(gpio.pi4j, "r", RelayPins.withFeedback(COIL, FEEDBACK));
        relay.energize(true);
        var coil = gpio.output("r.coil");

        relay.close();

        assertThat(coil.state()).isEqualTo(DigitalState.HIGH);
        assertThat(relay.energized()).isFalse();
        assertThat(gpio.pi4j.registry().exists("r.coil")).isFalse();
        assertThat(gpio.pi4j.registry().exists("r.feedback")).isFalse();
    }
}
