package dev.failover.gateway.posture;

import dev.failover.certs.CipherSuites;
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
        List<String> unknown,
        long probeMillis) {

    public ControllerPosture {
        Objects.requireNonNull(controllerId, "controllerId");
        Objects.requireNonNull(probedAt, "probedAt");
        tlsVersions = List.copyOf(tlsVersions);
        cipherSuites = List.copyOf(cipherSuites);
        unknown = List.copyOf(unknown);
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
            String subject, String issuer, Instant notAfter, String key, int securityBits, String thumbprint) {}

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
