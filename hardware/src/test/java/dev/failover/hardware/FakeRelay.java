package dev.failover.hardware;

import java.time.Duration;
import java.util.Optional;

/** A relay in memory whose feedback, failures and interrupts the test sets by hand. */
final class FakeRelay implements Relay {

    private final GpioPin coil;
    private final Optional<GpioPin> feedbackPin;
    private boolean energized;
    private Optional<Boolean> stuckFeedback = Optional.empty();
    private HardwareException writeError;
    private HardwareException readError;
    private boolean interruptWait;

    FakeRelay(GpioPin coil, Optional<GpioPin> feedbackPin) {
        this.coil = coil;
        this.feedbackPin = feedbackPin;
    }

    /** The feedback reads {@code value} whatever the coil does. */
    FakeRelay stuckAt(boolean value) {
        stuckFeedback = Optional.of(value);
        return this;
    }

    FakeRelay failWrites(HardwareException error) {
        writeError = error;
        return this;
    }

    FakeRelay failReads(HardwareException error) {
        readError = error;
        return this;
    }

    FakeRelay interruptWaits() {
        interruptWait = true;
        return this;
    }

    @Override
    public GpioPin coilPin() {
        return coil;
    }

    @Override
    public Optional<GpioPin> feedbackPin() {
        return feedbackPin;
    }

    @Override
    public void energize(boolean on) {
        if (writeError != null) {
            throw writeError;
        }
        energized = on;
    }

    @Override
    public boolean energized() {
        return energized;
    }

    @Override
    public Optional<Boolean> feedback() {
        if (feedbackPin.isEmpty()) {
            return Optional.empty();
        }
        if (readError != null) {
            throw readError;
        }
        return Optional.of(stuckFeedback.orElse(energized));
    }

    @Override
    public Optional<Boolean> awaitFeedback(boolean wanted, Duration timeout) throws InterruptedException {
        if (interruptWait) {
            throw new InterruptedException("test interrupt");
        }
        return feedback();
    }
}
