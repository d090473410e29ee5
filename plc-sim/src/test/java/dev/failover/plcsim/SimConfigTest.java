package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimConfigTest {

    @Test
    void ofGivesLoopbackEphemeralPortsUnitOneAndTenMillisecondScan() {
        assertThat(SimConfig.of("A", Role.ACTIVE))
                .isEqualTo(new SimConfig("A", Role.ACTIVE, "127.0.0.1", 0, 0, 1, Duration.ofMillis(10)));
    }

    @Test
    void nameMustFitTheNameRegistersAndTheStatusLine() {
        assertThatThrownBy(() -> SimConfig.of("", Role.ACTIVE)).hasMessageStartingWith("name must be 1 to 32");
        assertThatThrownBy(() -> SimConfig.of("x".repeat(33), Role.ACTIVE))
                .hasMessageStartingWith("name must be 1 to 32");
        assertThatThrownBy(() -> SimConfig.of("plc A", Role.ACTIVE))
                .hasMessageStartingWith("name must be printable ASCII without spaces");
        assertThatThrownBy(() -> SimConfig.of("plcé", Role.ACTIVE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void numbersOutOfRangeAreRejectedWithTheFieldName() {
        assertThatThrownBy(() -> config(65536, 0, 1, 10))
                .hasMessage("modbusPort must be 0 to 65535 (0 = any free port), got 65536");
        assertThatThrownBy(() -> config(0, -1, 1, 10)).hasMessageStartingWith("controlPort must be 0 to 65535");
        assertThatThrownBy(() -> config(0, 0, 0, 10)).hasMessage("unitId must be 1 to 255, got 0");
        assertThatThrownBy(() -> config(0, 0, 1, 0)).hasMessageStartingWith("scanPeriod must be 1 ms to 60 s");
    }

    @Test
    void nullsAreRejectedByName() {
        assertThatThrownBy(() -> new SimConfig("A", null, "127.0.0.1", 0, 0, 1, Duration.ofMillis(10)))
                .hasMessage("initialRole must not be null");
    }

    private static SimConfig config(int modbusPort, int controlPort, int unitId, long scanMs) {
        return new SimConfig("A", Role.ACTIVE, "127.0.0.1", modbusPort, controlPort, unitId, Duration.ofMillis(scanMs));
    }
}
