package dev.failover.plcsim.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TankModelTest {

    @Test
    void fullPumpWithValveClosedFillsAnEmptyTankInAboutTwentySeconds() {
        assertThat(TankModel.integrate(0, 100, 0, 19.5)).isLessThan(100);
        assertThat(TankModel.integrate(0, 100, 0, 20.5)).isEqualTo(100);
    }

    @Test
    void halfPumpHoldsHalfLevelWithValveAtThirtyPercent() {
        assertThat(TankModel.derivative(50, 50, 30)).isCloseTo(0, within(1e-9));
        assertThat(TankModel.integrate(50, 50, 30, 60)).isCloseTo(50, within(1e-6));
    }

    @Test
    void outflowGrowsWithTheSquareRootOfTheLevel() {
        double quarter = -TankModel.derivative(25, 0, 30);
        double full = -TankModel.derivative(100, 0, 30);
        assertThat(full / quarter).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void levelStaysWithinTheTank() {
        assertThat(TankModel.integrate(5, 0, 100, 60)).isZero();
        assertThat(TankModel.integrate(95, 200, 0, 60)).isEqualTo(100);
    }

    @Test
    void nonPositiveIntervalsChangeNothing() {
        assertThat(TankModel.integrate(42, 100, 0, 0)).isEqualTo(42);
        assertThat(TankModel.integrate(42, 100, 0, -3)).isEqualTo(42);
    }
}
