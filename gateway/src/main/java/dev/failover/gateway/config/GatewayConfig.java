package dev.failover.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole gateway configuration, as loaded and validated from one YAML file by {@link ConfigLoader}.
 *
 * @param source the file it was read from
 * @param name the gateway's name, for events and logs
 * @param controlHost the address the local operator endpoint binds (loopback)
 * @param controlPort its port; 0 picks a free port
 * @param eventLog where events are appended as JSON lines, or {@code null} for none
 * @param pairs the supervised pairs, each independent of the others
 * @param security the certificates, key store, state folder and command policy; {@code null} runs the
 *     gateway without security, which only in-process tests and benchmarks do: {@link ConfigLoader}
 *     requires the section in every file
 * @param scada the OPC UA server for SCADA, or {@code null} when the gateway serves none
 * @param controlHandshakeTimeout how long a new connection to the control endpoint may stay silent
 *     before it starts its TLS handshake (docs/security.md, the control endpoint)
 * @param mqtt the reports to incident response over MQTT, or {@code null} for none (docs/mqtt.md)
 */
public record GatewayConfig(
        Path source,
        String name,
        String controlHost,
        int controlPort,
        Path eventLog,
        List<PairConfig> pairs,
        SecurityConfig security,
        ScadaServerConfig scada,
        Duration controlHandshakeTimeout,
        MqttConfig mqtt) {

    /** The control endpoint's handshake timeout unless configured. */
    public static final Duration DEFAULT_CONTROL_HANDSHAKE_TIMEOUT = Duration.ofMillis(500);

    public GatewayConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(controlHost, "controlHost");
        Objects.requireNonNull(controlHandshakeTimeout, "controlHandshakeTimeout");
        if (controlHandshakeTimeout.isNegative() || controlHandshakeTimeout.isZero()) {
            throw new IllegalArgumentException("controlHandshakeTimeout must be positive");
        }
        pairs = List.copyOf(pairs);
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("at least one pair is required");
        }
    }

    /** A configuration without MQTT. */
    public GatewayConfig(
            Path source,
            String name,
            String controlHost,
            int controlPort,
            Path eventLog,
            List<PairConfig> pairs,
            SecurityConfig security,
            ScadaServerConfig scada,
            Duration controlHandshakeTimeout) {
        this(source, name, controlHost, controlPort, eventLog, pairs, security, scada, controlHandshakeTimeout, null);
    }

    /** A configuration with the default handshake timeout of the control endpoint. */
    public GatewayConfig(
            Path source,
            String name,
            String controlHost,
            int controlPort,
            Path eventLog,
            List<PairConfig> pairs,
            SecurityConfig security,
            ScadaServerConfig scada) {
        this(
                source,
                name,
                controlHost,
                controlPort,
                eventLog,
                pairs,
                security,
                scada,
                DEFAULT_CONTROL_HANDSHAKE_TIMEOUT);
    }

    /** A configuration without an OPC UA server. */
    public GatewayConfig(
            Path source,
            String name,
            String controlHost,
            int controlPort,
            Path eventLog,
            List<PairConfig> pairs,
            SecurityConfig security) {
        this(source, name, controlHost, controlPort, eventLog, pairs, security, null);
    }

    /** A configuration without security ({@code security} null): for in-process tests and benchmarks. */
    public GatewayConfig(
            Path source, String name, String controlHost, int controlPort, Path eventLog, List<PairConfig> pairs) {
        this(source, name, controlHost, controlPort, eventLog, pairs, null, null);
    }

    /** This configuration with {@code changed} as its security section (for example another posture baseline). */
    public GatewayConfig withSecurity(SecurityConfig changed) {
        return new GatewayConfig(
                source, name, controlHost, controlPort, eventLog, pairs, changed, scada, controlHandshakeTimeout, mqtt);
    }

    /** This configuration with {@code changed} as its MQTT section (null: none). */
    public GatewayConfig withMqtt(MqttConfig changed) {
        return new GatewayConfig(
                source,
                name,
                controlHost,
                controlPort,
                eventLog,
                pairs,
                security,
                scada,
                controlHandshakeTimeout,
                changed);
    }

    public Optional<MqttConfig> mqttSink() {
        return Optional.ofNullable(mqtt);
    }

    public Optional<ScadaServerConfig> scadaServer() {
        return Optional.ofNullable(scada);
    }

    public Optional<Path> eventLogPath() {
        return Optional.ofNullable(eventLog);
    }
}
