package dev.failover.gateway.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.hardware.GpioPin;
import dev.failover.hardware.HardwareException;
import dev.failover.hardware.OutputEnableRelays;
import dev.failover.hardware.RelayAction;
import dev.failover.hardware.RelayResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How the hardware module's relay results become fence results, which the failover controller reads
 * as "outputs confirmed cut" (may promote the standby) or not (safety rule 1: no promotion).
 */
class RelayFenceTest {

    private static final GpioPin FEEDBACK = GpioPin.activeHigh(6);
    private static final GpioPin COIL = GpioPin.activeHigh(5);

    /** Answers every call with the next prepared result and records what was asked. */
    private static final class ScriptedRelays implements OutputEnableRelays {
        final List<String> calls = new ArrayList<>();
        RelayResult next;

        @Override
        public Set<String> controllerIds() {
            return Set.of("plc-a", "plc-b");
        }

        @Override
        public RelayResult cut(String controllerId) {
            calls.add("cut " + controllerId);
            return next;
        }

        @Override
        public RelayResult restore(String controllerId) {
            calls.add("restore " + controllerId);
            return next;
        }

        @Override
        public boolean isCut(String controllerId) {
            return false;
        }
    }

    private final ScriptedRelays relays = new ScriptedRelays();
    private final RelayFence fence = new RelayFence("plc-a", relays, true);

    @Test
    void aConfirmedCutReportsTheOutputsDisabled() {
        relays.next = new RelayResult.Confirmed("plc-a", RelayAction.CUT, FEEDBACK);

        LinkResult<Boolean> result = fence.cut();

        assertThat(result)
                .isInstanceOfSatisfying(
                        LinkResult.Ok.class, ok -> assertThat(ok.value()).isEqualTo(false));
        assertThat(relays.calls).containsExactly("cut plc-a");
    }

    @Test
    void aConfirmedRestoreReportsTheOutputsEnabled() {
        relays.next = new RelayResult.Confirmed("plc-a", RelayAction.RESTORE, FEEDBACK);

        LinkResult<Boolean> result = fence.restore();

        assertThat(result)
                .isInstanceOfSatisfying(
                        LinkResult.Ok.class, ok -> assertThat(ok.value()).isEqualTo(true));
        assertThat(relays.calls).containsExactly("restore plc-a");
    }

    @Test
    void anUnconfirmedCutIsNotProofAndIsRejected() {
        // Safety rule 1: without a feedback contact the gateway cannot know the outputs are cut.
        relays.next = new RelayResult.Unconfirmed("plc-a", RelayAction.CUT);

        assertThat(new RelayFence("plc-a", relays, false).cut())
                .isInstanceOfSatisfying(
                        LinkResult.Failed.class, f -> assertThat(f.error()).isEqualTo(LinkError.REJECTED));
    }

    @Test
    void aStuckRelayIsRejectedWithTheHardwareMessage() {
        relays.next = new RelayResult.Failed(
                "plc-a",
                RelayAction.CUT,
                RelayResult.Failure.FEEDBACK_MISMATCH,
                FEEDBACK,
                "feedback reads de-energised 100 ms after energising the coil on BCM 5",
                Optional.empty());

        assertThat(fence.cut())
                .isEqualTo(LinkResult.failed(
                        LinkError.REJECTED,
                        "CUT plc-a: FAILED (FEEDBACK_MISMATCH on BCM 6): feedback reads de-energised 100 ms after"
                                + " energising the coil on BCM 5"));
    }

    @Test
    void aCoilWriteErrorIsRejected() {
        HardwareException cause = new HardwareException(HardwareException.Reason.WRITE, "cannot drive BCM 5");
        relays.next = new RelayResult.Failed(
                "plc-a",
                RelayAction.RESTORE,
                RelayResult.Failure.WRITE_ERROR,
                COIL,
                "cannot drive BCM 5 inactive",
                Optional.of(cause));

        assertThat(fence.restore())
                .isEqualTo(LinkResult.failed(
                        LinkError.REJECTED,
                        "RESTORE plc-a: FAILED (WRITE_ERROR on BCM 5): cannot drive BCM 5 inactive"));
    }

    @Test
    void anInterlockRefusalIsRejectedWithItsEvidence() {
        relays.next = new RelayResult.Refused(
                "plc-a",
                RelayAction.CUT,
                RelayResult.Refusal.OTHER_CONTROLLER_CUT,
                "plc-b is cut (relay commanded energised)");

        assertThat(fence.cut())
                .isEqualTo(LinkResult.failed(
                        LinkError.REJECTED,
                        "CUT plc-a: REFUSED (OTHER_CONTROLLER_CUT): plc-b is cut (relay commanded energised)"));
    }

    @Test
    void aControllerWithoutARelayOnTheBoxIsRefusedAtConstruction() {
        assertThatThrownBy(() -> new RelayFence("plc-z", relays, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the box has no output-enable relay for plc-z");
    }
}
