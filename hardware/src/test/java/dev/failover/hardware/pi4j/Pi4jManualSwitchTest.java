package dev.failover.hardware.pi4j;

import static dev.failover.hardware.pi4j.TestBox.KEY;
import static dev.failover.hardware.pi4j.TestBox.KEY_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.hardware.GpioPin;
import dev.failover.hardware.ManualSwitchInput;
import dev.failover.hardware.RelayPins;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The manual switchover key on mock GPIO, with time driven by a fake ticker (debounce window 50 ms). */
class Pi4jManualSwitchTest {

    private final MockGpio gpio = new MockGpio();
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger presses = new AtomicInteger();

    @AfterEach
    void close() {
        gpio.close();
    }

    private ManualSwitchInput key(GpioPin pin) {
        ManualSwitchInput key = Pi4jHardware.open(
                        gpio.pi4j,
                        TestBox.config(RelayPins.withoutFeedback(TestBox.COIL_B), pin, Duration.ZERO),
                        nanos::get)
                .manualSwitch();
        key.onPress(presses::incrementAndGet);
        return key;
    }

    private void key(boolean pressed, GpioPin pin) {
        gpio.drive(KEY_ID, pin, pressed);
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(Duration.ofMillis(millis).toNanos());
    }

    @Test
    void aPressWithContactBounceFiresOnce() {
        key(KEY);

        key(true, KEY);
        advanceMillis(2);
        key(false, KEY);
        advanceMillis(3);
        key(true, KEY);
        advanceMillis(500);
        key(false, KEY);
        advanceMillis(2);
        key(true, KEY);
        advanceMillis(1);
        key(false, KEY);

        assertThat(presses).hasValue(1);
    }

    @Test
    void everyDebouncedPressFires() {
        key(KEY);

        for (int i = 0; i < 3; i++) {
            key(true, KEY);
            advanceMillis(200);
            key(false, KEY);
            advanceMillis(200);
        }

        assertThat(presses).hasValue(3);
    }

    @Test
    void aSecondPressWithinTheDebounceWindowIsIgnored() {
        key(KEY);
        key(true, KEY);
        advanceMillis(100);
        key(false, KEY);

        advanceMillis(TestBox.DEBOUNCE.toMillis() - 10);
        key(true, KEY);

        assertThat(presses).hasValue(1);
    }

    @Test
    void anActiveLowKeyHeldAtStartIsNotAPress() {
        // The mock input starts LOW, which an active-low key reads as pressed.
        GpioPin activeLowKey = GpioPin.activeLow(KEY.bcm());
        key(activeLowKey);

        advanceMillis(100);
        key(false, activeLowKey);
        assertThat(presses).hasValue(0);

        advanceMillis(100);
        key(true, activeLowKey);
        assertThat(presses).hasValue(1);
    }

    @Test
    void aRemovedListenerIsNotCalled() {
        ManualSwitchInput key = key(KEY);
        AtomicInteger other = new AtomicInteger();
        key.onPress(other::incrementAndGet).remove();

        key(true, KEY);

        assertThat(presses).hasValue(1);
        assertThat(other).hasValue(0);
    }
}
