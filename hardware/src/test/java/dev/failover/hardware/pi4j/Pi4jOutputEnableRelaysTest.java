package dev.failover.hardware.pi4j;

import static dev.failover.hardware.pi4j.TestBox.COIL_A;
import static dev.failover.hardware.pi4j.TestBox.COIL_A_ID;
import static dev.failover.hardware.pi4j.TestBox.COIL_B;
import static dev.failover.hardware.pi4j.TestBox.COIL_B_ID;
import static dev.failover.hardware.pi4j.TestBox.FEEDBACK_A;
import static dev.failover.hardware.pi4j.TestBox.FEEDBACK_A_ID;
import static dev.failover.hardware.pi4j.TestBox.FEEDBACK_B;
import static dev.failover.hardware.pi4j.TestBox.FEEDBACK_B_ID;
import static dev.failover.hardware.pi4j.TestBox.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import dev.failover.hardware.OutputEnableRelays;
import dev.failover.hardware.PairHardware;
import dev.failover.hardware.RelayAction;
import dev.failover.hardware.RelayPins;
import dev.failover.hardware.RelayResult;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fencing through the output-enable relays on mock GPIO: the interlock (never both controllers cut)
 * and the three outcomes of a write (confirmed, unconfirmed, failed).
 */
class Pi4jOutputEnableRelaysTest {

    private final MockGpio gpio = new MockGpio();
    private PairHardware box;

    @AfterEach
    void close() {
        if (box != null) {
            box.close();
        }
        gpio.close();
    }

    private OutputEnableRelays healthyRelays() {
        box = Pi4jHardware.open(gpio.pi4j, TestBox.config());
        gpio.wireHealthyRelay(COIL_A_ID, COIL_A, FEEDBACK_A_ID, FEEDBACK_A);
        gpio.wireHealthyRelay(COIL_B_ID, COIL_B, FEEDBACK_B_ID, FEEDBACK_B);
        return box.outputEnableRelays();
    }

    @Test
    void relaysStartDeEnergisedAtAnExplicitLevel() {
        OutputEnableRelays relays = healthyRelays();

        // Without .initial(...) a Pi4J output reads UNKNOWN; fail-as-is needs a known released coil.
        assertThat(gpio.output(COIL_A_ID).state()).isEqualTo(DigitalState.LOW);
        assertThat(gpio.output(COIL_B_ID).state()).isEqualTo(DigitalState.HIGH); // active-low coil
        assertThat(relays.isCut("plc-a")).isFalse();
        assertThat(relays.isCut("plc-b")).isFalse();
    }

    @Test
    void cutEnergisesTheRelayAndIsConfirmedByItsAuxiliaryContact() {
        OutputEnableRelays relays = healthyRelays();

        RelayResult result = relays.cut("plc-b");

        assertThat(result).isEqualTo(new RelayResult.Confirmed("plc-b", RelayAction.CUT, FEEDBACK_B));
        assertThat(gpio.output(COIL_B_ID).state()).isEqualTo(DigitalState.LOW); // active-low: energised
        assertThat(relays.isCut("plc-b")).isTrue();
    }

    @Test
    void interlockRefusesToCutBothControllersAndSaysWhy() {
        OutputEnableRelays relays = healthyRelays();
        relays.cut("plc-a");

        RelayResult result = relays.cut("plc-b");

        assertThat(result).isInstanceOfSatisfying(RelayResult.Refused.class, refused -> {
            assertThat(refused.reason()).isEqualTo(RelayResult.Refusal.OTHER_CONTROLLER_CUT);
            assertThat(refused.detail()).contains("plc-a is already cut", "process undriven");
        });
        assertThat(gpio.isActive(COIL_B_ID, COIL_B)).isFalse();
        assertThat(relays.isCut("plc-b")).isFalse();
    }

    @Test
    void afterARestoreTheOtherControllerMayBeCut() {
        OutputEnableRelays relays = healthyRelays();
        relays.cut("plc-a");

        RelayResult restored = relays.restore("plc-a");
        RelayResult cut = relays.cut("plc-b");

        assertThat(restored).isEqualTo(new RelayResult.Confirmed("plc-a", RelayAction.RESTORE, FEEDBACK_A));
        assertThat(cut).isInstanceOf(RelayResult.Confirmed.class);
        assertThat(gpio.isActive(COIL_A_ID, COIL_A)).isFalse();
    }

    @Test
    void cutWithoutAFeedbackContactIsUnconfirmed() {
        box = Pi4jHardware.open(gpio.pi4j, TestBox.config(RelayPins.withoutFeedback(COIL_B), KEY, Duration.ZERO));

        RelayResult result = box.outputEnableRelays().cut("plc-b");

        assertThat(result).isEqualTo(new RelayResult.Unconfirmed("plc-b", RelayAction.CUT));
        assertThat(gpio.isActive(COIL_B_ID, COIL_B)).isTrue();
    }

    @Test
    void aRelayStuckReleasedFailsTheCutAndNamesTheFeedbackPin() {
        box = Pi4jHardware.open(gpio.pi4j, TestBox.config());
        // plc-a's contact is not wired to follow its coil: it keeps reading "released".

        RelayResult result = box.outputEnableRelays().cut("plc-a");

        assertThat(result).isInstanceOfSatisfying(RelayResult.Failed.class, failed -> {
            assertThat(failed.reason()).isEqualTo(RelayResult.Failure.FEEDBACK_MISMATCH);
            assertThat(failed.pin()).isEqualTo(FEEDBACK_A);
            assertThat(failed.detail()).contains("feedback reads de-energised", "energising the coil on BCM 5");
        });
    }

    @Test
    void aRelayStuckEnergisedFailsTheRestoreAndBlocksCuttingTheOther() {
        box = Pi4jHardware.open(gpio.pi4j, TestBox.config());
        OutputEnableRelays relays = box.outputEnableRelays();
        // A welded relay: its contact reads energised although the coil was never driven.
        gpio.drive(FEEDBACK_A_ID, FEEDBACK_A, true);

        RelayResult restored = relays.restore("plc-a");

        assertThat(restored).isInstanceOfSatisfying(RelayResult.Failed.class, failed -> {
            assertThat(failed.reason()).isEqualTo(RelayResult.Failure.FEEDBACK_MISMATCH);
            assertThat(failed.pin()).isEqualTo(FEEDBACK_A);
        });
        assertThat(relays.isCut("plc-a")).isTrue();
        assertThat(relays.cut("plc-b"))
                .isInstanceOfSatisfying(
                        RelayResult.Refused.class,
                        refused -> assertThat(refused.detail()).contains("feedback on BCM 6 reads energised"));
        assertThat(gpio.isActive(COIL_B_ID, COIL_B)).isFalse();
    }

    @Test
    @Timeout(10)
    void feedbackArrivingAfterTheWriteWakesTheWaitingCut() {
        box = Pi4jHardware.open(
                gpio.pi4j, TestBox.config(RelayPins.withFeedback(COIL_B, FEEDBACK_B), KEY, Duration.ofSeconds(2)));
        ExecutorService contact = Executors.newSingleThreadExecutor();
        // The contact moves on another thread, after cut() has started waiting for it.
        DigitalStateChangeListener slowContact =
                event -> contact.execute(() -> gpio.drive(FEEDBACK_A_ID, FEEDBACK_A, true));
        gpio.output(COIL_A_ID).addListener(slowContact);
        try {
            RelayResult result = box.outputEnableRelays().cut("plc-a");

            assertThat(result).isInstanceOf(RelayResult.Confirmed.class);
        } finally {
            gpio.output(COIL_A_ID).removeListener(slowContact);
            contact.shutdownNow();
        }
    }

    @Test
    void closingTheBoxReleasesTheRelays() {
        OutputEnableRelays relays = healthyRelays();
        relays.cut("plc-b");
        var coilB = gpio.output(COIL_B_ID);

        box.close();
        box.close();

        // Fail-as-is: a stopped gateway leaves both controllers' outputs enabled.
        assertThat(gpio.pi4j.registry().exists(COIL_B_ID)).isFalse();
        assertThat(Pi4jIo.isActive(COIL_B, coilB.state())).isFalse();
    }
}
