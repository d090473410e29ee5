package dev.failover.gateway.config;

import static dev.failover.gateway.config.ConfigLoaderTest.MINIMAL_PAIRS;
import static dev.failover.gateway.config.ConfigLoaderTest.SECURITY;
import static dev.failover.gateway.config.ConfigLoaderTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.config.AnomalyConfig.Rule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code security.anomalies}: each rule of the anomaly watch tuned or turned off (issue 13, part C). */
class AnomalyConfigTest {

    @Test
    void everyRuleIsOnWithItsDefaultsUnlessTheFileSaysOtherwise() throws Exception {
        GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + """
                  anomalies:
                    failoverUnderAttack: {window: 10m}
                    refusalBurst: {count: 50, window: 2m}
                    modeChange: {enabled: false}
                """ + MINIMAL_PAIRS);

        AnomalyConfig a = config.security().anomalies();
        assertThat(a.settings(Rule.FAILOVER_UNDER_ATTACK).window()).isEqualTo(Duration.ofMinutes(10));
        assertThat(a.settings(Rule.FAILOVER_UNDER_ATTACK).enabled()).isTrue();
        assertThat(a.settings(Rule.REFUSAL_BURST).count()).isEqualTo(50);
        assertThat(a.settings(Rule.MODE_CHANGE).enabled()).isFalse();
        assertThat(a.settings(Rule.REPEATED_FAULTS)).isEqualTo(Rule.REPEATED_FAULTS.defaults());
        assertThat(parse("gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS)
                        .security()
                        .anomalies())
                .isEqualTo(AnomalyConfig.defaults());
    }

    @Test
    void anUnknownRuleOrAZeroCountIsNamed() {
        assertThatThrownBy(() -> parse("gateway: {name: gw}\n" + SECURITY + """
                          anomalies:
                            repeatedFaults: {count: 0}
                            portScan: {enabled: true}
                        """ + MINIMAL_PAIRS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.anomalies.repeatedFaults.count: 0 is")
                .hasMessageContaining("security.anomalies.portScan: unknown key 'portScan'");
    }
}
