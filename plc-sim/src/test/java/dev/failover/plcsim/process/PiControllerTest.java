package dev.failover.plcsim.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PiControllerTest {

    private static final double KP = 10.0;
    private static final double TI = 5.0;
    private static final double DT = 0.01;

    @Test
    void defaultTuningSettlesTheTankAtItsSetpoint() {
        PiController pi = new PiController();
        double level = 50;
        for (int i = 0; i < 6000; i++) {
            level = TankModel.integrate(level, pi.update(50, level, DT, KP, TI), 30, DT);
        }
        assertThat(level).isCloseTo(50, within(0.05));
        assertThat(pi.output()).isCloseTo(50, within(0.5));
    }

    @Test
    void trackingMakesTheNextUpdateContinueFromTheAppliedOutput() {
        PiController pi = new PiController();
        pi.track(47.0, 50, 49.0, KP);

        assertThat(pi.update(50, 49.0, DT, KP, TI)).isCloseTo(47.0, within(0.1));
    }

    @Test
    void outputIsClampedAndTheIntegralDoesNotWindUp() {
        PiController pi = new PiController();
        for (int i = 0; i < 10_000; i++) {
            assertThat(pi.update(100, 0, DT, KP, TI)).isEqualTo(100);
        }
        // After a long saturation the output leaves 100 % as soon as the error reverses.
        assertThat(pi.update(50, 60, DT, KP, TI)).isLessThan(100);
    }
}
