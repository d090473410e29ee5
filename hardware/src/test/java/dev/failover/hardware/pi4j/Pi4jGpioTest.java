package dev.failover.hardware.pi4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import dev.failover.hardware.PairHardware;
import org.junit.jupiter.api.Test;

class Pi4jGpioTest {

    @Test
    void theArmOnlyGpiodPluginIsKeptOffTheTestClasspath() {
        // pom.xml: surefire's classpathDependencyExcludes. With it present, auto-detection would pick it.
        assertThatThrownBy(() -> Class.forName("com.pi4j.plugin.gpiod.GpioDPlugin"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void autoDetectOffThePiFindsTheMockProviders() {
        try (Pi4jGpio gpio = Pi4jGpio.autoDetect()) {
            PairHardware box = gpio.open(TestBox.config());

            assertThat(box.outputEnableRelays().isCut("plc-a")).isFalse();
        }
    }

    @Test
    void closingReleasesEveryLineStillClaimed() {
        MockGpio mock = new MockGpio();
        Pi4jGpio gpio = new Pi4jGpio(mock.pi4j);
        PairHardware box = gpio.open(TestBox.config());
        box.outputEnableRelays().cut("plc-a"); // fails unconfirmed (feedback not wired); the coil is energised
        MockDigitalOutput coil = mock.output(TestBox.COIL_A_ID);

        gpio.close();

        assertThat(Pi4jIo.isActive(TestBox.COIL_A, coil.state())).isFalse();
        assertThat(mock.pi4j.registry().all()).isEmpty();
    }
}
