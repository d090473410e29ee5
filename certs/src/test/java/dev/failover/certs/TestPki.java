package dev.failover.certs;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * <b>Test support only</b>: a throw-away plant PKI for unit and integration tests, in main code so that
 * other modules' tests can use it through a test-scoped dependency on {@code certs}. It creates a PKI
 * (organisation {@value #ORGANISATION}) in {@code <dir>/pki} with fixed, public passwords and issues
 * certificates on demand; each name is issued once and the result cached. Never use it for a real
 * plant: its passwords are in this source file.
 *
 * <p>On offer: operator, gateway and controller certificates; an expired and a not-yet-valid operator
 * (validity window in the past or the future); a revoked operator (the CRL is republished); an
 * operator of a second, unrelated CA ({@value #FOREIGN_ORGANISATION}, in {@code <dir>/foreign-pki}).
 * Controllers get SAN IP 127.0.0.1 and DNS localhost. Not thread-safe: use one per test class or test.
 */
public final class TestPki {

    public static final String ORGANISATION = "Test Plant";
    public static final String FOREIGN_ORGANISATION = "Foreign Plant";
    /** The CA password of both test PKIs. */
    public static final char[] CA_PASSWORD = "test-ca-password".toCharArray();
    /** The password of every key store this class issues. */
    public static final char[] KEYSTORE_PASSWORD = "test-keystore-password".toCharArray();

    private final Path baseDir;
    private final Pki pki;
    private final Map<String, IssuedCertificate> issued = new HashMap<>();
    private Pki foreignPki;

    private TestPki(Path baseDir, Pki pki) {
        this.baseDir = baseDir;
        this.pki = pki;
    }

    /** Creates the test PKI in {@code <dir>/pki} ({@code dir} is typically a JUnit {@code @TempDir}). */
    public static TestPki create(Path dir) throws PkiException {
        return new TestPki(dir, Pki.create(dir.resolve("pki"), ORGANISATION, CA_PASSWORD));
    }

    /** The PKI itself. */
    public Pki pki() {
        return pki;
    }

    /** An operator certificate with {@code role}, valid for 90 days. */
    public IssuedCertificate operator(String name, String role) throws PkiException {
        return issue(name, () -> pki.issue(CertificateRequest.operator(name, role), KEYSTORE_PASSWORD));
    }

    /** A gateway certificate with {@code role}, SAN IP 127.0.0.1 and DNS localhost. */
    public IssuedCertificate gateway(String name, String role) throws PkiException {
        CertificateRequest request = CertificateRequest.builder(CertificateKind.GATEWAY, name)
                .role(role)
                .ipAddress("127.0.0.1")
                .dnsName("localhost")
                .build();
        return issue(name, () -> pki.issue(request, KEYSTORE_PASSWORD));
    }

    /** An audit-log signing certificate (kind {@code audit}). */
    public IssuedCertificate audit(String name) throws PkiException {
        CertificateRequest request =
                CertificateRequest.builder(CertificateKind.AUDIT, name).build();
        return issue(name, () -> pki.issue(request, KEYSTORE_PASSWORD));
    }

    /** An MQTT broker's certificate with SAN IP 127.0.0.1 and DNS localhost. */
    public IssuedCertificate broker(String name) throws PkiException {
        return onLoopback(CertificateKind.BROKER, name);
    }

    /** A controller certificate with SAN IP 127.0.0.1 and DNS localhost, no role. */
    public IssuedCertificate controller(String name) throws PkiException {
        return onLoopback(CertificateKind.CONTROLLER, name);
    }

    private IssuedCertificate onLoopback(CertificateKind kind, String name) throws PkiException {
        CertificateRequest request = CertificateRequest.builder(kind, name)
                .ipAddress("127.0.0.1")
                .dnsName("localhost")
                .build();
        return issue(name, () -> pki.issue(request, KEYSTORE_PASSWORD));
    }

    /**
     * Issues controller {@code name}'s certificate with {@code key} and {@code validity} (SAN IP
     * 127.0.0.1 and DNS localhost), cached under its name like {@link #controller}: a pair started
     * afterwards with this PKI runs that controller with it (a weaker or soon expiring certificate).
     */
    public IssuedCertificate controller(String name, KeyAlgorithm key, java.time.Duration validity)
            throws PkiException {
        CertificateRequest request = CertificateRequest.builder(CertificateKind.CONTROLLER, name)
                .ipAddress("127.0.0.1")
                .dnsName("localhost")
                .keyAlgorithm(key)
                .validity(validity)
                .build();
        return issue(name, () -> pki.issue(request, KEYSTORE_PASSWORD));
    }

    /** An operator certificate that expired yesterday (valid from 31 to 1 days ago). */
    public IssuedCertificate expiredOperator(String name, String role) throws PkiException {
        Instant now = Instant.now();
        return issue(
                name,
                () -> pki.issue(
                        CertificateRequest.operator(name, role),
                        KEYSTORE_PASSWORD,
                        now.minus(Duration.ofDays(31)),
                        now.minus(Duration.ofDays(1))));
    }

    /** An operator certificate valid from tomorrow for 30 days. */
    public IssuedCertificate notYetValidOperator(String name, String role) throws PkiException {
        Instant now = Instant.now();
        return issue(
                name,
                () -> pki.issue(
                        CertificateRequest.operator(name, role),
                        KEYSTORE_PASSWORD,
                        now.plus(Duration.ofDays(1)),
                        now.plus(Duration.ofDays(31))));
    }

    /** An operator certificate revoked for key compromise, with the CRL republished. */
    public IssuedCertificate revokedOperator(String name, String role) throws PkiException {
        return issue(name, () -> {
            IssuedCertificate certificate = pki.issue(CertificateRequest.operator(name, role), KEYSTORE_PASSWORD);
            pki.revoke(certificate.serial(), RevocationReason.KEY_COMPROMISE);
            pki.publishCrl(Pki.DEFAULT_CRL_VALIDITY);
            return certificate;
        });
    }

    /** An operator certificate from a second, unrelated CA (created on first use). */
    public IssuedCertificate foreignOperator(String name, String role) throws PkiException {
        return issue(
                "foreign:" + name,
                () -> foreignPki().issue(CertificateRequest.operator(name, role), KEYSTORE_PASSWORD));
    }

    /** The unrelated second PKI, created on first use in {@code <dir>/foreign-pki}. */
    public Pki foreignPki() throws PkiException {
        if (foreignPki == null) {
            foreignPki = Pki.create(baseDir.resolve("foreign-pki"), FOREIGN_ORGANISATION, CA_PASSWORD);
        }
        return foreignPki;
    }

    /** A verifier for this PKI at the system clock. */
    public CertificateVerifier verifier() {
        return pki.verifier(Clock.systemUTC());
    }

    /** A verifier for this PKI at {@code clock}'s time. */
    public CertificateVerifier verifier(Clock clock) {
        return pki.verifier(clock);
    }

    /** The key and chain of an issued certificate. */
    public Identity identity(IssuedCertificate certificate) throws PkiException {
        return Keystores.loadIdentity(certificate.keyStore(), KEYSTORE_PASSWORD);
    }

    /** A TLS context presenting {@code certificate} and trusting this PKI (at the system clock). */
    public SSLContext tlsContext(IssuedCertificate certificate) throws PkiException {
        return TlsContexts.create(identity(certificate), verifier());
    }

    /** The CRL file. */
    public Path crlFile() {
        return pki.crlFile();
    }

    private IssuedCertificate issue(String key, Issuer issuer) throws PkiException {
        IssuedCertificate existing = issued.get(key);
        if (existing != null) {
            return existing;
        }
        IssuedCertificate certificate = issuer.issue();
        issued.put(key, certificate);
        return certificate;
    }

    @FunctionalInterface
    private interface Issuer {
        IssuedCertificate issue() throws PkiException;
    }
}
