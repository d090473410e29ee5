package dev.failover.gateway.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The gateway's security settings ({@code security:} in the YAML): the plant PKI files it verifies
 * peers and signed commands with, its own key store, where it keeps its replay store, and who may
 * send which signed command. docs/pki.md says how the files are made.
 *
 * <p>Immutable. The key store password is not held, only where to read it ({@link Secret}).
 *
 * @param caCertificates the plant's CA certificates (issuing CA and root), PEM: the trust anchor
 * @param crl the certificate revocation lists published with {@code certs crl}, PEM
 * @param keystore the gateway's PKCS#12 key store: its private key and certificate (role gateway)
 * @param keystorePassword where the key store's password is read from
 * @param stateDirectory the folder of the gateway's durable state (replay store); created if missing
 * @param commands the signed-command policy
 * @param opcua the gateway's OPC UA identities, or {@code null} when it speaks no OPC UA
 * @param audit the tamper-evident audit log, or {@code null} when none is configured (a loud warning)
 */
public record SecurityConfig(
        Path caCertificates,
        Path crl,
        Path keystore,
        Secret keystorePassword,
        Path stateDirectory,
        CommandPolicy commands,
        OpcUaIdentityConfig opcua,
        PostureConfig posture,
        AnomalyConfig anomalies,
        AuditConfig audit) {

    public SecurityConfig {
        Objects.requireNonNull(caCertificates, "caCertificates");
        Objects.requireNonNull(crl, "crl");
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(keystorePassword, "keystorePassword");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(posture, "posture");
        Objects.requireNonNull(anomalies, "anomalies");
    }

    /** Security without an audit log. */
    public SecurityConfig(
            Path caCertificates,
            Path crl,
            Path keystore,
            Secret keystorePassword,
            Path stateDirectory,
            CommandPolicy commands,
            OpcUaIdentityConfig opcua,
            PostureConfig posture,
            AnomalyConfig anomalies) {
        this(
                caCertificates,
                crl,
                keystore,
                keystorePassword,
                stateDirectory,
                commands,
                opcua,
                posture,
                anomalies,
                null);
    }

    /** Security with the default posture baseline. */
    public SecurityConfig(
            Path caCertificates,
            Path crl,
            Path keystore,
            Secret keystorePassword,
            Path stateDirectory,
            CommandPolicy commands,
            OpcUaIdentityConfig opcua) {
        this(
                caCertificates,
                crl,
                keystore,
                keystorePassword,
                stateDirectory,
                commands,
                opcua,
                PostureConfig.defaults(),
                AnomalyConfig.defaults());
    }

    /** This security with {@code baseline} as the posture baseline. */
    public SecurityConfig withPosture(PostureConfig baseline) {
        return new SecurityConfig(
                caCertificates,
                crl,
                keystore,
                keystorePassword,
                stateDirectory,
                commands,
                opcua,
                baseline,
                anomalies,
                audit);
    }

    /** This security with {@code rules} as the anomaly watch's rules. */
    public SecurityConfig withAnomalies(AnomalyConfig rules) {
        return new SecurityConfig(
                caCertificates,
                crl,
                keystore,
                keystorePassword,
                stateDirectory,
                commands,
                opcua,
                posture,
                rules,
                audit);
    }

    /** This security with {@code log} as its audit log. */
    public SecurityConfig withAudit(AuditConfig log) {
        return new SecurityConfig(
                caCertificates,
                crl,
                keystore,
                keystorePassword,
                stateDirectory,
                commands,
                opcua,
                posture,
                anomalies,
                log);
    }

    /** The audit log, if configured. */
    public Optional<AuditConfig> auditLog() {
        return Optional.ofNullable(audit);
    }

    /** Security without OPC UA identities. */
    public SecurityConfig(
            Path caCertificates,
            Path crl,
            Path keystore,
            Secret keystorePassword,
            Path stateDirectory,
            CommandPolicy commands) {
        this(caCertificates, crl, keystore, keystorePassword, stateDirectory, commands, null);
    }

    public Optional<OpcUaIdentityConfig> opcUa() {
        return Optional.ofNullable(opcua);
    }
}
