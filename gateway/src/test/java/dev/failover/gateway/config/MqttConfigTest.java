package dev.failover.gateway.config;

import static dev.failover.gateway.config.ConfigLoaderTest.MINIMAL_PAIRS;
import static dev.failover.gateway.config.ConfigLoaderTest.SECURITY;
import static dev.failover.gateway.config.ConfigLoaderTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code mqtt:} section (issue 15): TLS unless named insecure, the topic tree, the audit log as outbox. */
class MqttConfigTest {

    private static final Path KEYSTORE = Path.of("src/test/resources/config/pki/gateway-keystore.placeholder")
            .toAbsolutePath();

    private static final String AUDIT = """
              audit:
                keystore: '%s'
                keystorePassword: {env: AUDIT_KEYSTORE_PASSWORD}
            """.formatted(KEYSTORE);

    @Test
    void theSectionIsReadWithItsDefaults() throws Exception {
        GatewayConfig config = parse("gateway: {name: gw-1}\n" + SECURITY + AUDIT + """
                mqtt:
                  brokers: [ssl://broker.plant, "ssl://10.0.0.9:8884"]
                  site: line-3
                """ + MINIMAL_PAIRS);

        MqttConfig mqtt = config.mqttSink().orElseThrow();
        assertThat(mqtt.brokers())
                .containsExactly(URI.create("ssl://broker.plant:8883"), URI.create("ssl://10.0.0.9:8884"));
        assertThat(mqtt.insecure()).isFalse();
        assertThat(mqtt.site()).isEqualTo("line-3");
        assertThat(mqtt.topicPrefix()).isEqualTo("failover");
        assertThat(mqtt.clientId()).as("the gateway's name").isEqualTo("gw-1");
        assertThat(mqtt.willDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(mqtt.sparkplug())
                .as("on by default: group = site, edge node = gateway")
                .isEqualTo(new MqttConfig.Sparkplug("line-3", "gw-1", null));
        assertThat(parse("gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS).mqttSink())
                .isEmpty();
    }

    @Test
    void sparkplugIsConfiguredOrSwitchedOff() throws Exception {
        GatewayConfig named = parse("gateway: {name: gw-1}\n" + SECURITY + AUDIT + """
                mqtt:
                  brokers: [ssl://broker.plant]
                  site: line-3
                  sparkplug: {groupId: plant-north, edgeNodeId: gw-north-1, primaryHost: scada-1}
                """ + MINIMAL_PAIRS);
        assertThat(named.mqttSink().orElseThrow().sparkplug())
                .isEqualTo(new MqttConfig.Sparkplug("plant-north", "gw-north-1", "scada-1"));
        GatewayConfig off = parse("gateway: {name: gw-1}\n" + SECURITY + AUDIT + """
                mqtt:
                  brokers: [ssl://broker.plant]
                  site: line-3
                  sparkplug: {enabled: false}
                """ + MINIMAL_PAIRS);
        assertThat(off.mqttSink().orElseThrow().sparkplug()).isNull();
        assertThatThrownBy(() -> parse("gateway: {name: gw-1}\n" + SECURITY + AUDIT + """
                        mqtt:
                          brokers: [ssl://broker.plant]
                          site: line-3
                          sparkplug: {groupId: 'plant/north', primary: scada-1}
                        """ + MINIMAL_PAIRS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.sparkplug.groupId: 'plant/north' is not a valid Sparkplug group id")
                .hasMessageContaining("mqtt.sparkplug.primary");
    }

    @Test
    void plainMqttOnlyWhenNamedInsecure() throws Exception {
        assertThatThrownBy(() -> parse("gateway: {name: gw}\n" + SECURITY + AUDIT + """
                        mqtt:
                          brokers: [tcp://broker.plant:1883]
                          site: line-3
                        """ + MINIMAL_PAIRS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.brokers[0]: 'tcp://broker.plant:1883' is plain MQTT")
                .hasMessageContaining("insecure: true");
        GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + AUDIT + """
                mqtt:
                  brokers: tcp://broker.plant
                  insecure: true
                  site: line-3
                """ + MINIMAL_PAIRS);
        assertThat(config.mqttSink().orElseThrow().brokers()).isEqualTo(List.of(URI.create("tcp://broker.plant:1883")));
        assertThat(config.mqttSink().orElseThrow().insecure()).isTrue();
    }

    @Test
    void badBrokersPrefixesDelaysAndAMissingOutboxAreNamed() {
        assertThatThrownBy(() -> parse("gateway: {name: gw}\n" + SECURITY + """
                        mqtt:
                          brokers: [http://broker.plant, "ssl://broker.plant:8883/x"]
                          topicPrefix: plant/#
                          willDelay: 1500ms
                        """ + MINIMAL_PAIRS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.brokers[0]: 'http://broker.plant' is not a broker URI")
                .hasMessageContaining("mqtt.brokers[1]: 'ssl://broker.plant:8883/x' has a path")
                .hasMessageContaining("mqtt.topicPrefix: 'plant/#' is not a topic prefix")
                .hasMessageContaining("mqtt.willDelay: 1500ms is not a whole number of seconds")
                .hasMessageContaining("mqtt.site: required key is missing")
                .hasMessageContaining("need the audit log");
    }

    @Test
    void aBrokerCaComesWithItsCrl() throws Exception {
        GatewayConfig config =
                parse("gateway: {name: gw}\n" + SECURITY + AUDIT + """
                mqtt:
                  brokers: [ssl://broker.plant]
                  site: line-3
                  caCertificates: '%s'
                  crl: '%s'
                """.formatted(KEYSTORE, KEYSTORE) + MINIMAL_PAIRS);
        assertThat(config.mqttSink().orElseThrow().brokerTrust())
                .isEqualTo(new MqttConfig.BrokerTrust(KEYSTORE, KEYSTORE));
        assertThat(parse("gateway: {name: gw}\n" + SECURITY + AUDIT + """
                                mqtt:
                                  brokers: [ssl://broker.plant]
                                  site: line-3
                                """ + MINIMAL_PAIRS)
                        .mqttSink()
                        .orElseThrow()
                        .brokerTrust())
                .as("the plant's CA")
                .isNull();
        assertThatThrownBy(() ->
                        parse("gateway: {name: gw}\n" + SECURITY + AUDIT + """
                        mqtt:
                          brokers: [ssl://broker.plant]
                          site: line-3
                          caCertificates: '%s'
                        """.formatted(KEYSTORE) + MINIMAL_PAIRS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.caCertificates: 'caCertificates' and 'crl' go together");
    }

    @Test
    void aGatewayNameThatCannotBeATopicLevelIsNamed() {
        assertThatThrownBy(() -> parse("gateway: {name: 'line 3/gw'}\n" + SECURITY + AUDIT + """
                        mqtt:
                          brokers: [ssl://broker.plant]
                          site: line-3
                        """ + MINIMAL_PAIRS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the gateway's name 'line 3/gw' is a level of every MQTT topic");
    }
}
