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

    @Test
    void changeWindowsAreReadInTheirZoneAndAWindowPastMidnightEndsTheNextDay() throws Exception {
        AnomalyConfig a = parse("gateway: {name: gw}\n" + SECURITY + """
                  anomalies:
                    changeWindows: ["Sat 06:00-10:00", "Mon-Fri 22:00-02:00"]
                    changeWindowZone: Europe/Berlin
                """ + MINIMAL_PAIRS)
                .security()
                .anomalies();

        assertThat(a.changeWindows())
                .extracting(Object::toString)
                .containsExactly("Sat 06:00-10:00", "Mon,Tue,Wed,Thu,Fri 22:00-02:00");
        // 2026-12-05 is a Saturday; Berlin is UTC+1 in December.
        assertThat(a.inChangeWindow(java.time.Instant.parse("2026-12-05T05:30:00Z")))
                .isTrue();
        assertThat(a.inChangeWindow(java.time.Instant.parse("2026-12-05T09:00:00Z")))
                .isFalse();
        // Friday 23:30 and Saturday 01:30 local are in the Friday night window; Sunday 01:30 is not.
        assertThat(a.inChangeWindow(java.time.Instant.parse("2026-12-04T22:30:00Z")))
                .isTrue();
        assertThat(a.inChangeWindow(java.time.Instant.parse("2026-12-05T00:30:00Z")))
                .isTrue();
        assertThat(a.inChangeWindow(java.time.Instant.parse("2026-12-06T00:30:00Z")))
                .isFalse();
        assertThat(AnomalyConfig.defaults().inChangeWindow(java.time.Instant.parse("2026-12-05T05:30:00Z")))
                .isFalse();
    }

    @Test
    void aMalformedChangeWindowOrZoneIsNamedWithTheFix() {
        assertThatThrownBy(() -> parse("gateway: {name: gw}\n" + SECURITY + """
                          anomalies:
                            changeWindows: ["Sat 06:00-10:00", "weekends 6-10", "Sun 25:00-26:00"]
                            changeWindowZone: Mars/Olympus
                        """ + MINIMAL_PAIRS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.anomalies.changeWindows[1]: 'weekends 6-10' is not a change window:"
                        + " write '<days> HH:MM-HH:MM'")
                .hasMessageContaining(
                        "security.anomalies.changeWindows[2]: 'Sun 25:00-26:00': 25:00 is not a time of day")
                .hasMessageContaining("security.anomalies.changeWindowZone: 'Mars/Olympus' is not a time zone");
    }
}
