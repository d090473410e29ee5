package dev.failover.gateway.posture;

import dev.failover.certs.CipherSuites;
import dev.failover.certs.Thumbprints;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one controller offers a client, as the gateway probed it through its own links (issue 13,
 * part A): the fields are kept, because the difference between two controllers is what an operator
 * needs to see. A field the probe could not learn is {@code null}, and {@link #unknown} says why.
 *
 * @param controllerId the controller
 * @param probedAt when the probe ended
 * @param tlsVersions the TLS versions a handshake succeeded with, newest first ({@code TLSv1.3},
 *     {@code TLSv1.2}); empty if none did
 * @param cipherSuites the TLS 1.2 cipher suites a handshake succeeded with
 * @param certificate the certificate the controller presented
 * @param plainModbus whether plain Modbus TCP answered on the port looked at
 * @param identity what its identity block reports
 * @param opcUa what its OPC UA server offers, {@code null} for a controller reached over Modbus
 * @param unknown what could not be probed, and why
 * @param probeMillis how long the probe took
 */
public record ControllerPosture(
        String controllerId,
        Instant probedAt,
        List<String> tlsVersions,
        List<String> cipherSuites,
        Certificate certificate,
        Boolean plainModbus,
        Identity identity,
        OpcUa opcUa,
        List<String> unknown,
        long probeMillis) {

    public ControllerPosture {
        Objects.requireNonNull(controllerId, "controllerId");
        Objects.requireNonNull(probedAt, "probedAt");
        tlsVersions = List.copyOf(tlsVersions);
        cipherSuites = List.copyOf(cipherSuites);
        unknown = List.copyOf(unknown);
    }

    /** A controller reached over Modbus/TCP Security: no OPC UA offer. */
    public ControllerPosture(
            String controllerId,
            Instant probedAt,
            List<String> tlsVersions,
            List<String> cipherSuites,
            Certificate certificate,
            Boolean plainModbus,
            Identity identity,
            List<String> unknown,
            long probeMillis) {
        this(
                controllerId,
                probedAt,
                tlsVersions,
                cipherSuites,
                certificate,
                plainModbus,
                identity,
                null,
                unknown,
                probeMillis);
    }

    /**
     * What a controller's OPC UA server offers anyone who asks (GetEndpoints), and what it says it is.
     *
     * @param endpoints every endpoint it offers
     * @param build its BuildInfo: manufacturer, product, software version and build number, or empty
     *     if not read
     */
    public record OpcUa(List<Endpoint> endpoints, String build) {

        public OpcUa {
            endpoints = List.copyOf(endpoints);
        }

        /**
         * One endpoint.
         *
         * @param policy the security policy's short name, e.g. {@code Basic256Sha256}, {@code None}
         * @param mode {@code None}, {@code Sign} or {@code SignAndEncrypt}
         * @param userTokens the user token types it takes, e.g. {@code Certificate}, {@code Anonymous}
         */
        public record Endpoint(String policy, String mode, List<String> userTokens) {

            public Endpoint {
                userTokens = List.copyOf(userTokens);
            }

            @Override
            public String toString() {
                return mode + "/" + policy + " " + userTokens;
            }
        }

        /** The security policies it offers, each once. */
        public List<String> policies() {
            return endpoints.stream().map(Endpoint::policy).distinct().toList();
        }

        /** The security modes it offers, each once. */
        public List<String> modes() {
            return endpoints.stream().map(Endpoint::mode).distinct().toList();
        }

        /** The user token types it takes on any endpoint, each once. */
        public List<String> userTokens() {
            return endpoints.stream()
                    .flatMap(e -> e.userTokens().stream())
                    .distinct()
                    .toList();
        }

        /** Whether any endpoint takes anonymous users. */
        public boolean anonymous() {
            return userTokens().contains("Anonymous");
        }
    }

    /**
     * The certificate a controller presents.
     *
     * @param subject its subject
     * @param issuer its issuer
     * @param notAfter when it expires
     * @param key its key, e.g. {@code EC 256} or {@code RSA 2048}
     * @param securityBits the strength of its key in bits of security (NIST SP 800-57): RSA 2048 is
     *     112, EC P-256 128
     * @param thumbprint the SHA-256 of the DER certificate, lower-case hex
     */
    public record Certificate(
            String subject, String issuer, Instant notAfter, String key, int securityBits, String thumbprint) {

        /** The facts of {@code c}. */
        public static Certificate of(X509Certificate c) {
            String key;
            int bits;
            if (c.getPublicKey() instanceof RSAKey rsa) {
                int size = rsa.getModulus().bitLength();
                key = "RSA " + size;
                bits = size >= 15360 ? 256 : size >= 7680 ? 192 : size >= 3072 ? 128 : size >= 2048 ? 112 : 80;
            } else if (c.getPublicKey() instanceof ECKey ec) {
                int size = ec.getParams().getOrder().bitLength();
                key = "EC " + size;
                bits = size / 2;
            } else {
                key = c.getPublicKey().getAlgorithm();
                bits = 0;
            }
            return new Certificate(
                    c.getSubjectX500Principal().getName(),
                    c.getIssuerX500Principal().getName(),
                    c.getNotAfter().toInstant(),
                    key,
                    bits,
                    Thumbprints.sha256(c));
        }
    }

    /**
     * What a controller's identity block reports.
     *
     * @param lastWriter who last wrote its setpoints: the SHA-256 of that client's certificate, {@code
     *     plain} for a plain Modbus client, empty when unknown (nobody yet, or a controller that does
     *     not say)
     * @param writeCount its count of setpoint writes (16 bits, wraps), -1 when unknown
     */
    public record Identity(
            String name, String program, String firmware, String configHash, String lastWriter, int writeCount) {

        /** An identity block without write records. */
        public Identity(String name, String program, String firmware, String configHash) {
            this(name, program, firmware, configHash, "", -1);
        }
    }

    /** The oldest TLS version it accepts, or {@code null} if none. */
    public String oldestTls() {
        return tlsVersions.isEmpty() ? null : tlsVersions.getLast();
    }

    /** The suites it accepts that are not {@link CipherSuites#strong strong}. */
    public List<String> weakSuites() {
        return cipherSuites.stream().filter(s -> !CipherSuites.strong(s)).toList();
    }
}
