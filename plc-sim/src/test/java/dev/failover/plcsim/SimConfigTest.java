package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.plcsim.modbus.AccessPolicy;
import dev.failover.plcsim.modbus.Roles;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.net.ssl.SSLContext;
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
        assertThatThrownBy(() -> SimConfig.of("A", Role.ACTIVE).withPartnerTimeout(Duration.ZERO))
                .hasMessage("partnerTimeout must be 1 ms to 60 s, got PT0S");
        assertThatThrownBy(() -> SimConfig.of("A", Role.ACTIVE).withPartnerTimeout(Duration.ofSeconds(61)))
                .hasMessageStartingWith("partnerTimeout must be 1 ms to 60 s");
    }

    @Test
    void thePartnerTimeoutDefaultsToSixtyMillisecondsAndSurvivesTheOtherWithers() throws Exception {
        SimConfig config = SimConfig.of("A", Role.ACTIVE).withPartnerTimeout(Duration.ofMillis(250));

        assertThat(SimConfig.of("A", Role.ACTIVE).partnerTimeout()).isEqualTo(Duration.ofMillis(60));
        assertThat(config.withRetainActiveRole(true).partnerTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.withTls(SSLContext.getDefault(), Set.of("gateway")).partnerTimeout())
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void theHandshakeTimeoutDefaultsToThreeSecondsIsBoundedAndSurvivesTheOtherWithers() throws Exception {
        SimConfig config = SimConfig.of("A", Role.ACTIVE).withHandshakeTimeout(Duration.ofMillis(250));

        assertThat(SimConfig.of("A", Role.ACTIVE).handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.withPartnerTimeout(Duration.ofMillis(90)).handshakeTimeout())
                .isEqualTo(Duration.ofMillis(250));
        assertThat(config.withTls(SSLContext.getDefault(), Set.of("gateway")).handshakeTimeout())
                .isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> config.withHandshakeTimeout(Duration.ofMillis(9)))
                .hasMessage("handshakeTimeout must be 10 ms to 60 s, got 9 ms");
        assertThatThrownBy(() -> config.withHandshakeTimeout(Duration.ofSeconds(61)))
                .hasMessage("handshakeTimeout must be 10 ms to 60 s, got 61000 ms");
    }

    @Test
    void ofIsPlainAndWithTlsAddsModbusTcpSecurity() throws Exception {
        SSLContext context = SSLContext.getDefault();

        SimConfig tls = SimConfig.of("A", Role.ACTIVE).withTls(context, Set.of("gateway"));

        assertThat(SimConfig.of("A", Role.ACTIVE).tls()).isEmpty();
        assertThat(tls.tls())
                .contains(new SimConfig.Tls(
                        context, new AccessPolicy(Roles.of("gateway"), Roles.any()), OptionalInt.empty()));
        assertThat(SimConfig.Tls.of(context).access()).isEqualTo(AccessPolicy.defaults());
    }

    @Test
    void thePlainPortMustDifferFromTheOtherPorts() throws Exception {
        SimConfig.Tls tls = SimConfig.Tls.of(SSLContext.getDefault()).withPlainPort(5020);

        assertThatThrownBy(() -> new SimConfig(
                        "A", Role.ACTIVE, "127.0.0.1", 5020, 0, 1, Duration.ofMillis(10), Optional.of(tls)))
                .hasMessage("tls.plainPort must differ from the Modbus and control ports, got 5020");
        assertThatThrownBy(() -> tls.withPlainPort(70000)).hasMessageStartingWith("plainPort must be 0 to 65535");
        assertThat(SimConfig.of("A", Role.ACTIVE).withTls(tls.withPlainPort(0)).tls())
                .hasValueSatisfying(t -> assertThat(t.plainPort()).hasValue(0));
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
