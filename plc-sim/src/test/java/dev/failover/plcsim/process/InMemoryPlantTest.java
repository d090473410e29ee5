package dev.failover.plcsim.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.failover.plcsim.PartnerSign;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.PlantState;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class InMemoryPlantTest {

    private final MutableClock clock = new MutableClock();
    private final InMemoryPlant plant = new InMemoryPlant(clock);

    @Test
    void newTankIsHalfFullWithTheValveAtThirty() {
        PlantState state = plant.read();

        assertThat(state.levelPercent()).isEqualTo(50);
        assertThat(state.valvePercent()).isEqualTo(30);
        assertThat(state.inflowPercent()).isZero();
        assertThat(state.controllers()).isZero();
    }

    @Test
    void levelIntegratesTheElapsedTimeOnceWhoeverAsks() {
        Plant.Slot a = plant.attach("A");
        Plant.Slot b = plant.attach("B");
        a.exchange(100, true, 0);

        clock.advance(Duration.ofMillis(400));
        double afterA = a.exchange(100, true, 0).levelPercent();
        // Same instant: B's exchange and a read must not integrate the second again.
        double afterB = b.exchange(0, false, 0).levelPercent();
        double afterRead = plant.read().levelPercent();

        assertThat(afterA).as("full pump for 0.4 s fills 2 percent").isCloseTo(52, within(1e-9));
        assertThat(afterB).isEqualTo(afterA);
        assertThat(afterRead).isEqualTo(afterA);
    }

    @Test
    void clockSteppingBackIntegratesNothing() {
        Plant.Slot a = plant.attach("A");
        a.exchange(100, true, 0);

        clock.advance(Duration.ofSeconds(-10));
        assertThat(plant.read().levelPercent()).isEqualTo(50);
        clock.advance(Duration.ofSeconds(1));
        assertThat(plant.read().levelPercent())
                .as("one second after the step back")
                .isCloseTo(55, within(1e-9));
    }

    @Test
    void inflowIsTheSumOfDrivingControllers() {
        Plant.Slot a = plant.attach("A");
        Plant.Slot b = plant.attach("B");
        a.exchange(40, true, 30);
        PlantState state = b.exchange(45, true, 30);

        assertThat(state.inflowPercent()).isEqualTo(85);
        assertThat(state.drivers()).isEqualTo(2);
        assertThat(state.controllers()).isEqualTo(2);

        state = b.exchange(45, false, 30);
        assertThat(state.inflowPercent())
                .as("a non-driving controller contributes nothing")
                .isEqualTo(40);
    }

    @Test
    void onlyADrivingControllerMovesTheValve() {
        Plant.Slot a = plant.attach("A");

        assertThat(a.exchange(0, false, 80).valvePercent()).isEqualTo(30);
        assertThat(a.exchange(0, true, 80).valvePercent()).isEqualTo(80);
    }

    @Test
    void contributionsGoStaleWhenNotRefreshed() {
        Plant.Slot a = plant.attach("A");
        a.exchange(60, true, 30);

        clock.advance(Duration.ofMillis(400));
        assertThat(plant.read().inflowPercent()).isEqualTo(60);
        clock.advance(Duration.ofMillis(200));
        assertThat(plant.read().inflowPercent()).isZero();
        assertThat(plant.read().drivers()).isZero();
    }

    @Test
    void aSilentControllerCountsForHalfASecondHoweverLongTheGap() {
        Plant.Slot a = plant.attach("A");
        a.exchange(100, true, 0);

        clock.advance(Duration.ofSeconds(10));

        assertThat(plant.read().levelPercent()).isCloseTo(52.5, within(1e-9));
    }

    @Test
    void releaseDropsTheOutputsAndKeepsTheSlot() {
        Plant.Slot a = plant.attach("A");
        a.exchange(60, true, 30);

        a.release();

        assertThat(plant.read().inflowPercent()).isZero();
        assertThat(plant.read().controllers()).isEqualTo(1);
    }

    @Test
    void aNameAttachesOnceUntilClosed() {
        Plant.Slot a = plant.attach("A");

        assertThatThrownBy(() -> plant.attach("A")).hasMessageContaining("'A' is already attached");

        a.close();
        assertThat(plant.attach("A")).isNotNull();
        assertThat(plant.read().controllers()).isEqualTo(1);
    }

    @Test
    void aFullPlantRefusesAnotherController() {
        for (int i = 0; i < 8; i++) {
            plant.attach("P" + i);
        }

        assertThatThrownBy(() -> plant.attach("P8")).hasMessageContaining("no free slot");
    }

    @Test
    void aCutRelayDropsTheContributionAndTheDriverAtOnce() {
        Plant.Slot a = plant.attach("A");
        Plant.Slot b = plant.attach("B");
        a.exchange(60, true, 30);
        b.exchange(20, true, 30);

        plant.outputEnable("A", false);

        // Same instant: not 500 ms later, when A's last exchange would go stale.
        PlantState state = plant.read();
        assertThat(state.inflowPercent()).isEqualTo(20);
        assertThat(state.drivers()).isEqualTo(1);
        assertThat(a.exchange(60, true, 30).inflowPercent())
                .as("whatever A's program still says")
                .isEqualTo(20);
        assertThat(plant.outputEnabled("A")).isFalse();
        assertThat(a.outputEnabled()).isFalse();
        assertThat(plant.outputEnabled("B")).isTrue();
    }

    @Test
    void theTankMovesUnderTheOldRelayStateUntilTheCutAndUnderTheNewOneAfter() {
        Plant.Slot a = plant.attach("A");
        a.exchange(100, true, 0);
        clock.advance(Duration.ofMillis(400));

        plant.outputEnable("A", false);
        clock.advance(Duration.ofMillis(400));

        assertThat(plant.read().levelPercent())
                .as("0.4 s of full pump before the cut (2 %), nothing after it with the valve shut")
                .isCloseTo(52, within(1e-9));
    }

    @Test
    void aControllerWhoseRelayIsCutDoesNotMoveTheValve() {
        Plant.Slot a = plant.attach("A");
        a.outputEnable(false);

        assertThat(a.exchange(50, true, 80).valvePercent()).isEqualTo(30);

        a.outputEnable(true);
        assertThat(a.exchange(50, true, 80).valvePercent()).isEqualTo(80);
    }

    @Test
    void theRelayOutlivesTheControllerAndARestartFindsItCut() {
        Plant.Slot a = plant.attach("A");
        a.exchange(60, true, 30);
        plant.outputEnable("A", false);

        a.close();
        Plant.Slot restarted = plant.attach("A");

        assertThat(restarted.outputEnabled()).isFalse();
        assertThat(restarted.exchange(60, true, 30).drivers()).isZero();
    }

    @Test
    void aRelayMayBeCutBeforeItsControllerAttaches() {
        assertThat(plant.outputEnabled("A"))
                .as("a name without a slot reads closed")
                .isTrue();
        assertThat(plant.read().controllers()).isZero();

        plant.outputEnable("A", false);

        assertThat(plant.read().controllers()).as("the cut claims A's slot").isEqualTo(1);
        Plant.Slot a = plant.attach("A");
        assertThat(a.outputEnabled()).isFalse();
        assertThat(a.exchange(60, true, 30).inflowPercent()).isZero();
        assertThat(plant.outputEnables()).containsExactly(Map.entry("A", false));
    }

    @Test
    void aFreshSlotStartsClosed() {
        plant.attach("A");
        Plant.Slot b = plant.attach("B");

        assertThat(b.outputEnabled()).isTrue();
        assertThat(b.exchange(40, true, 30).drivers()).isEqualTo(1);
        assertThat(plant.outputEnables()).containsExactly(Map.entry("A", true), Map.entry("B", true));
    }

    @Test
    void closingTheRelayAgainLetsTheNextExchangeDrive() {
        Plant.Slot a = plant.attach("A");
        plant.outputEnable("A", false);
        assertThat(a.exchange(60, true, 30).drivers()).isZero();

        plant.outputEnable("A", true);

        assertThat(plant.read().drivers())
                .as("the last exchange said driving and is fresh")
                .isEqualTo(1);
        assertThat(a.exchange(60, true, 30).inflowPercent()).isEqualTo(60);
    }

    @Test
    void aRelayNameFollowsTheControllerNameRule() {
        assertThatThrownBy(() -> plant.outputEnable("has space", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 32 printable ASCII characters without spaces");
        assertThatThrownBy(() -> plant.outputEnable("", false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFullPlantRefusesARelayForANewName() {
        for (int i = 0; i < 8; i++) {
            plant.attach("P" + i);
        }

        assertThatThrownBy(() -> plant.outputEnable("P8", false)).hasMessageContaining("no free slot");
        assertThat(plant.outputEnabled("P8")).isTrue();
    }

    @Test
    void partnersReadEachOthersLifeSignAndAClosedSlotKeepsItsLast() {
        Plant.Slot a = plant.attach("A");
        assertThat(a.exchangeLifeSign(1)).as("alone").isEmpty();
        Plant.Slot b = plant.attach("B");

        assertThat(a.exchangeLifeSign(2)).contains(new PartnerSign("B", OptionalInt.empty()));
        assertThat(b.exchangeLifeSign(9)).contains(new PartnerSign("A", OptionalInt.of(2)));
        b.close();

        assertThat(a.exchangeLifeSign(3))
                .as("a stopped controller's life sign stays, frozen")
                .contains(new PartnerSign("B", OptionalInt.of(9)));
    }
}
