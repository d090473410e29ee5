package dev.failover.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The debounce rule, driven by a fake ticker: a press counts only after a quiet window. */
class DebouncedPressInputTest {

    private static final Duration WINDOW = Duration.ofMillis(50);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger presses = new AtomicInteger();

    private DebouncedPressInput input(boolean pressedAtStart) {
        DebouncedPressInput input = new DebouncedPressInput("key", WINDOW, nanos::get, pressedAtStart);
        input.onPress(presses::incrementAndGet);
        return input;
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(Duration.ofMillis(millis).toNanos());
    }

    @Test
    void aCleanPressFiresOnceAtThePressEdge() {
        DebouncedPressInput input = input(false);

        input.level(true);

        assertThat(presses).hasValue(1);
        advanceMillis(300);
        input.level(false);
        assertThat(presses).hasValue(1);
    }

    @Test
    void bouncesOfPressAndReleaseAreIgnored() {
        DebouncedPressInput input = input(false);

        for (int i = 0; i < 5; i++) { // press bounces, 1 ms apart
            input.level(true);
            advanceMillis(1);
            input.level(false);
            advanceMillis(1);
        }
        input.level(true);
        advanceMillis(400); // held
        for (int i = 0; i < 5; i++) { // release bounces
            input.level(false);
            advanceMillis(1);
            input.level(true);
            advanceMillis(1);
        }
        input.level(false);

        assertThat(presses).hasValue(1);
    }

    @Test
    void aPressAfterAQuietWindowFiresAgain() {
        DebouncedPressInput input = input(false);
        input.level(true);
        advanceMillis(100);
        input.level(false);

        advanceMillis(WINDOW.toMillis());
        input.level(true);

        assertThat(presses).hasValue(2);
    }

    @Test
    void aPressJustInsideTheWindowIsABounce() {
        DebouncedPressInput input = input(false);
        input.level(true);
        advanceMillis(100);
        input.level(false);

        advanceMillis(WINDOW.toMillis() - 1);
        input.level(true);

        assertThat(presses).hasValue(1);
    }

    @Test
    void aKeyHeldAtStartIsNotAPress() {
        DebouncedPressInput input = input(true);

        input.level(true);
        advanceMillis(100);
        input.level(false);

        assertThat(presses).hasValue(0);
        advanceMillis(100);
        input.level(true);
        assertThat(presses).hasValue(1);
    }

    @Test
    void removedListenersAreNotCalledAndAFailingListenerDoesNotStopOthers() {
        DebouncedPressInput input = input(false);
        AtomicInteger removed = new AtomicInteger();
        input.onPress(() -> {
            throw new IllegalStateException("listener bug");
        });
        input.onPress(removed::incrementAndGet).remove();

        input.level(true);

        assertThat(presses).hasValue(1);
        assertThat(removed).hasValue(0);
    }
}
