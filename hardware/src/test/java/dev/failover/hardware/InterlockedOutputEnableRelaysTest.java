package dev.failover.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interlock and result logic against in-memory relays: the failure modes GPIO mocks cannot
 * produce (write errors, unreadable inputs, interrupts). The Pi4J-backed behaviour is covered in
 * {@code dev.failover.hardware.pi4j.Pi4jOutputEnableRelaysTest}.
 */
class InterlockedOutputEnableRelaysTest {

    private static final GpioPin COIL_A = GpioPin.activeHigh(5);
    private static final GpioPin FEEDBACK_A = GpioPin.activeHigh(6);
    private static final GpioPin COIL_B = GpioPin.activeHigh(13);
    private static final GpioPin FEEDBACK_B = GpioPin.activeHigh(19);

    private final FakeRelay relayA = new FakeRelay(COIL_A, Optional.of(FEEDBACK_A));
    private final FakeRelay relayB = new FakeRelay(COIL_B, Optional.of(FEEDBACK_B));

    @AfterEach
    void clearInterrupt() {
        // A test below leaves the flag set on purpose; later tests on this thread must not see it.
        Thread.interrupted();
    }

    private OutputEnableRelays interlock() {
        Map<String, Relay> relays = new LinkedHashMap<>();
        relays.put("plc-a", relayA);
        relays.put("plc-b", relayB);
        return new InterlockedOutputEnableRelays(relays, Duration.ZERO);
    }

    @Test
    void needsExactlyTwoRelays() {
        assertThatThrownBy(() -> new InterlockedOutputEnableRelays(Map.of("plc-a", relayA), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly two");
    }

    @Test
    void keepsTheConfiguredControllerOrder() {
        assertThat(interlock().controllerIds()).containsExactly("plc-a", "plc-b");
    }

    @Test
    void unknownControllerIsAProgrammingError() {
        OutputEnableRelays relays = interlock();

        assertThatThrownBy(() -> relays.cut("plc-x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plc-x")
                .hasMessageContaining("plc-a");
    }

    @Test
    void aRelayStuckEnergisedBlocksCuttingTheOther() {
        // Never commanded, but its contact says energised: plc-a's outputs may be cut already.
        relayA.stuckAt(true);
        OutputEnableRelays relays = interlock();

        RelayResult result = relays.cut("plc-b");

        assertThat(relays.isCut("plc-a")).isTrue();
        assertThat(result).isInstanceOfSatisfying(RelayResult.Refused.class, refused -> {
            assertThat(refused.reason()).isEqualTo(RelayResult.Refusal.OTHER_CONTROLLER_CUT);
            assertThat(refused.detail()).contains("plc-a", "feedback on BCM 6 reads energised");
        });
        assertThat(relayB.energized()).isFalse();
    }

    @Test
    void unreadableFeedbackCountsAsCut() {
        relayA.failReads(new HardwareException(HardwareException.Reason.READ, "line gone"));
        OutputEnableRelays relays = interlock();

        assertThat(relays.isCut("plc-a")).isTrue();
        assertThat(relays.cut("plc-b"))
                .isInstanceOfSatisfying(
                        RelayResult.Refused.class,
                        refused -> assertThat(refused.detail()).contains("unreadable"));
    }

    @Test
    void aFailedCutStaysCommandedAndKeepsBlockingTheOther() {
        relayA.stuckAt(false);
        OutputEnableRelays relays = interlock();

        assertThat(relays.cut("plc-a")).isInstanceOf(RelayResult.Failed.class);

        // The box cannot tell whether plc-a is cut, so cutting plc-b could leave nothing driving.
        assertThat(relayA.energized()).isTrue();
        assertThat(relays.cut("plc-b")).isInstanceOf(RelayResult.Refused.class);
    }

    @Test
    void coilWriteErrorIsAFailureNamingTheCoilAndKeepingTheCause() {
        HardwareException error = new HardwareException(HardwareException.Reason.WRITE, "EBUSY");
        relayA.failWrites(error);

        RelayResult result = interlock().cut("plc-a");

        assertThat(result).isInstanceOfSatisfying(RelayResult.Failed.class, failed -> {
            assertThat(failed.reason()).isEqualTo(RelayResult.Failure.WRITE_ERROR);
            assertThat(failed.pin()).isEqualTo(COIL_A);
            assertThat(failed.cause()).containsSame(error);
        });
    }

    @Test
    void interruptWhileWaitingForFeedbackFailsAndReassertsTheInterrupt() {
        relayA.interruptWaits();

        RelayResult result = interlock().cut("plc-a");

        assertThat(result).isInstanceOfSatisfying(RelayResult.Failed.class, failed -> {
            assertThat(failed.reason()).isEqualTo(RelayResult.Failure.INTERRUPTED);
            assertThat(failed.pin()).isEqualTo(FEEDBACK_A);
        });
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void restoreIsNeverRefused() {
        relayA.stuckAt(true);
        relayB.stuckAt(true);
        OutputEnableRelays relays = interlock();

        assertThat(relays.restore("plc-b")).isInstanceOf(RelayResult.Failed.class);
        assertThat(relays.restore("plc-a")).isNotInstanceOf(RelayResult.Refused.class);
    }

    @Test
    void messagesNameControllerActionAndPin() {
        relayA.stuckAt(false);

        RelayResult result = interlock().cut("plc-a");

        assertThat(result.message()).contains("CUT", "plc-a", "FEEDBACK_MISMATCH", "BCM 6");
    }
}
