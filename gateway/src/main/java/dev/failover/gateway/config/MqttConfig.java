package dev.failover.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Reporting to incident response over MQTT v5 ({@code mqtt:} in the YAML; docs/mqtt.md). The gateway
 * connects as a TLS client with its own certificate from the plant PKI and trusts a broker whose
 * certificate the plant CA issued (kind {@code broker}); plain TCP only when named {@code insecure}.
 *
 * @param brokers the broker URIs tried in turn: {@code ssl://host:8883}, or {@code tcp://host:1883}
 *     with {@code insecure}
 * @param insecure plain MQTT over TCP, no TLS, no client certificate (logged as INSECURE_MODE)
 * @param site the plant or line, the second level of every topic
 * @param topicPrefix the first level of every topic
 * @param clientId the MQTT client identifier (the gateway's name by default)
 * @param keepAlive the MQTT keep-alive interval
 * @param willDelay how long the broker waits after the connection is lost before it publishes the
 *     gateway offline (the MQTT 5 Will Delay Interval): a reconnect within it pages no one
 * @param connectTimeout how long one connection attempt may take
 * @param sparkplug the Sparkplug B edge node beside the JSON topics, or {@code null} when switched off
 * @param brokerTrust the CA certificates and CRL the broker's certificate is checked against, when
 *     they are not the plant's ({@code null}: the plant's, {@code security.caCertificates} and {@code crl})
 */
public record MqttConfig(
        List<URI> brokers,
        boolean insecure,
        String site,
        String topicPrefix,
        String clientId,
        Duration keepAlive,
        Duration willDelay,
        Duration connectTimeout,
        Sparkplug sparkplug,
        BrokerTrust brokerTrust) {

    /**
     * A broker whose certificate another CA issued than the plant's.
     *
     * @param caCertificates that CA's certificates (issuing CA and root), PEM
     * @param crl its revocation list, PEM: the broker is refused when it is missing or stale, as every peer
     */
    public record BrokerTrust(java.nio.file.Path caCertificates, java.nio.file.Path crl) {
        public BrokerTrust {
            Objects.requireNonNull(caCertificates, "caCertificates");
            Objects.requireNonNull(crl, "crl");
        }
    }

    /**
     * The gateway as a Sparkplug B edge node (docs/mqtt.md): each pair a device.
     *
     * @param groupId the Sparkplug group (the site by default)
     * @param edgeNodeId the edge node's id (the gateway's name by default)
     * @param primaryHost the primary host application whose STATE the node waits for, or {@code null}
     */
    public record Sparkplug(String groupId, String edgeNodeId, String primaryHost) {
        public Sparkplug {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(edgeNodeId, "edgeNodeId");
        }
    }

    public static final String DEFAULT_PREFIX = "failover";
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WILL_DELAY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public MqttConfig {
        brokers = List.copyOf(brokers);
        if (brokers.isEmpty()) {
            throw new IllegalArgumentException("at least one broker is required");
        }
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(willDelay, "willDelay");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    /**
     * Over TLS to {@code broker} (plain with {@code tcp://}), with the default prefix, keep-alive, Will
     * delay and timeout, and Sparkplug B as group {@code site}, edge node {@code clientId}.
     */
    public static MqttConfig of(URI broker, String site, String clientId) {
        return new MqttConfig(
                List.of(broker),
                broker.getScheme().equals("tcp"),
                site,
                DEFAULT_PREFIX,
                clientId,
                DEFAULT_KEEP_ALIVE,
                DEFAULT_WILL_DELAY,
                DEFAULT_CONNECT_TIMEOUT,
                new Sparkplug(site, clientId, null),
                null);
    }

    /** This configuration with {@code delay} as the Will delay. */
    public MqttConfig withWillDelay(Duration delay) {
        return new MqttConfig(
                brokers,
                insecure,
                site,
                topicPrefix,
                clientId,
                keepAlive,
                delay,
                connectTimeout,
                sparkplug,
                brokerTrust);
    }

    /** This configuration with {@code changed} as its Sparkplug B node (null: none). */
    public MqttConfig withSparkplug(Sparkplug changed) {
        return new MqttConfig(
                brokers,
                insecure,
                site,
                topicPrefix,
                clientId,
                keepAlive,
                willDelay,
                connectTimeout,
                changed,
                brokerTrust);
    }

    /** This configuration trusting {@code trust} for the broker's certificate (null: the plant's CA). */
    public MqttConfig withBrokerTrust(BrokerTrust trust) {
        return new MqttConfig(
                brokers, insecure, site, topicPrefix, clientId, keepAlive, willDelay, connectTimeout, sparkplug, trust);
    }
}
