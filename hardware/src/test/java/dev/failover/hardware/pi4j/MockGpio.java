package dev.failover.hardware.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.failover.hardware.GpioPin;

/**
 * A Pi4J context with only the mock platform and the mock digital input/output providers: no
 * auto-detection, so no native GPIO plugin is ever loaded. Mock inputs are driven with {@code
 * mockState}, and their listeners run synchronously on the test thread.
 */
final class MockGpio implements AutoCloseable {

    final Context pi4j = Pi4J.newContextBuilder()
            .add(new MockPlatform())
            .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
            .disableShutdownHook()
            .build();

    MockDigitalOutput output(String id) {
        return pi4j.io(id, MockDigitalOutput.class);
    }

    MockDigitalInput input(String id) {
        return pi4j.io(id, MockDigitalInput.class);
    }

    /** Drives a mock input to the electrical level that means {@code active} on {@code pin}. */
    void drive(String inputId, GpioPin pin, boolean active) {
        input(inputId).mockState(Pi4jIo.level(pin, active));
    }

    /** Whether the output's electrical level means "active" on {@code pin}; fails on UNKNOWN. */
    boolean isActive(String outputId, GpioPin pin) {
        DigitalState state = output(outputId).state();
        return Pi4jIo.isActive(pin, state);
    }

    /**
     * Wires a healthy relay: its auxiliary contact (the feedback input) follows the coil output at once,
     * as a mock listener on the output.
     */
    void wireHealthyRelay(String coilId, GpioPin coil, String feedbackId, GpioPin feedback) {
        output(coilId).addListener(event -> drive(feedbackId, feedback, Pi4jIo.isActive(coil, event.state())));
    }

    @Override
    public void close() {
        pi4j.shutdown();
    }
}
