package dev.failover.certs;

import java.time.Duration;

/**
 * What an end-entity certificate is for; the kind fixes its key usage, extended key usage and
 * defaults (see docs/pki.md, "What each certificate contains").
 */
public enum CertificateKind {
    /** The failover gateway: TLS client towards the controllers, TLS server for operators. Has a role. */
    GATEWAY("gateway", Duration.ofDays(365), KeyAlgorithm.EC_P256),
    /** One PLC: TLS server for Modbus/TCP Security (and client, for symmetric links). */
    CONTROLLER("controller", Duration.ofDays(365), KeyAlgorithm.EC_P256),
    /** A person who signs commands and logs in over TLS. Has a role. */
    OPERATOR("operator", Duration.ofDays(90), KeyAlgorithm.EC_P256),
    /** An OPC UA application instance certificate (Eclipse Milo): RSA-2048, SAN URI = applicationUri. */
    OPCUA_APPLICATION("opcua", Duration.ofDays(365), KeyAlgorithm.RSA_2048),
    /**
     * The gateway's audit log: signs its checkpoints, nothing else (extended key usage {@link
     * #AUDIT_SIGNING}; no TLS, no command signing).
     */
    AUDIT("audit", Duration.ofDays(365), KeyAlgorithm.EC_P256),
    /** An MQTT broker the gateway reports to: TLS server only (docs/mqtt.md). */
    BROKER("broker", Duration.ofDays(365), KeyAlgorithm.EC_P256);

    /**
     * The extended key usage of an audit-log signing key: a UUID-based OID (ITU-T X.667, arc 2.25),
     * as no registered purpose fits.
     */
    public static final String AUDIT_SIGNING = "2.25.252097451013123410789076319213523112948";

    private final String cliName;
    private final Duration defaultValidity;
    private final KeyAlgorithm defaultKeyAlgorithm;

    CertificateKind(String cliName, Duration defaultValidity, KeyAlgorithm defaultKeyAlgorithm) {
        this.cliName = cliName;
        this.defaultValidity = defaultValidity;
        this.defaultKeyAlgorithm = defaultKeyAlgorithm;
    }

    /** The name used on the command line and in the index file's OU: {@code gateway}, {@code opcua}... */
    public String cliName() {
        return cliName;
    }

    /** Validity used when a request gives none: 90 days for operators, one year otherwise. */
    public Duration defaultValidity() {
        return defaultValidity;
    }

    /** EC P-256, except RSA-2048 for OPC UA applications. */
    public KeyAlgorithm defaultKeyAlgorithm() {
        return defaultKeyAlgorithm;
    }

    /** Whether certificates of this kind must carry a role in the {@link RoleExtension}. */
    public boolean requiresRole() {
        return this == GATEWAY || this == OPERATOR;
    }

    /**
     * The kind named {@code text} (its CLI name or its constant name, any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static CertificateKind parse(String text) {
        for (CertificateKind kind : values()) {
            if (kind.cliName.equalsIgnoreCase(text) || kind.name().equalsIgnoreCase(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown certificate kind '" + text
                + "': use one of gateway, controller, operator, opcua, audit, broker");
    }

    /** The CLI name, as messages show it. */
    @Override
    public String toString() {
        return cliName;
    }
}
