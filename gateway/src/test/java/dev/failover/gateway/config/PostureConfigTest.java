package dev.failover.gateway.config;

import static dev.failover.gateway.config.ConfigLoaderTest.MINIMAL_PAIRS;
import static dev.failover.gateway.config.ConfigLoaderTest.SECURITY;
import static dev.failover.gateway.config.ConfigLoaderTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.config.PostureConfig.IdentityField;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code security.posture}: the baseline both controllers must meet (issue 13, part A). */
class PostureConfigTest {

    @Test
    void withoutAPostureSectionTheDefaultsHold() throws Exception {
        GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS);

        assertThat(config.security().posture()).isEqualTo(PostureConfig.defaults());
        assertThat(PostureConfig.defaults().minTls()).isEqualTo("TLSv1.2");
        assertThat(PostureConfig.defaults().strongSuitesOnly()).isTrue();
        assertThat(PostureConfig.defaults().plainModbusAllowed()).isFalse();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + """
                  posture:
                    period: 30s
                    minTls: "1.3"
                    cipherSuites: any
                    plainModbus: allowed
                    plainModbusPort: 1502
                    certificateExpiryWarning: 14d
                    identityMustMatch: [firmware]
                    identityRegister: 200
                    onFailure: block
                """ + MINIMAL_PAIRS);

        PostureConfig p = config.security().posture();
        assertThat(p.period()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.minTls()).isEqualTo("TLSv1.3");
        assertThat(p.strongSuitesOnly()).isFalse();
        assertThat(p.plainModbusAllowed()).isTrue();
        assertThat(p.plainModbusPort("plc-a")).isEqualTo(1502);
        assertThat(p.certificateExpiryWarning()).isEqualTo(Duration.ofDays(14));
        assertThat(p.mustMatch()).containsExactly(IdentityField.FIRMWARE);
        assertThat(p.identityRegister()).isEqualTo(200);
        assertThat(p.blockOnFailure()).isTrue();
        assertThat(PostureConfig.defaults().blockOnFailure()).isFalse();
    }

    @Test
    void aWrongValueNamesTheKeyAndTheChoices() {
        assertThatThrownBy(() -> parse("gateway: {name: gw}\n" + SECURITY + """
                          posture:
                            minTls: "1.1"
                            identityMustMatch: [firmware, serial]
                        """ + MINIMAL_PAIRS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.posture.minTls: '1.1' is not a TLS version. Write 1.2 or 1.3.")
                .hasMessageContaining("security.posture.identityMustMatch[1]: 'serial' is not an identity field."
                        + " Write one of program, firmware, configHash.");
    }
}
