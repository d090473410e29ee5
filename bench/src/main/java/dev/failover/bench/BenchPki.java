package dev.failover.bench;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.Identity;
import dev.failover.certs.KeyAlgorithm;
import dev.failover.certs.Keystores;
import dev.failover.certs.Pki;
import dev.failover.certs.PkiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The bench's demo plant PKI, created on first run under the bench folder (which git ignores): a
 * CA, the gateway's and each controller's certificate, and two operators. Passwords are random,
 * written once to {@code secrets/} readable by the owner only, and never printed. Later runs reuse
 * it and republish the CRL so it never goes out of date.
 */
final class BenchPki {

    static final List<String> CONTROLLERS = List.of("plc-a", "plc-b");
    static final String OPERATOR = "alice";
    static final String SUPERVISOR = "sam";
    /** The gateway's OPC UA application certificate. */
    static final String GATEWAY_UA = "gateway-ua";

    static final String GATEWAY_UA_URI = "urn:bench:failover-gateway";
    /** The demo SCADA client's application certificate and its X.509 user (role operator, RSA). */
    static final String SCADA_APP = "scada";

    static final String SCADA_APP_URI = "urn:bench:scada";
    static final String SCADA_USER = "hmi";
    /** The gateway's audit key. */
    static final String AUDIT = "gateway-audit";
    /** The demo's MQTT broker (mosquitto, when installed). */
    static final String BROKER = "broker";
    /** The subscriber of the demo's incident-response messages. */
    static final String INCIDENT_TEAM = "incident-team";

    private final Path dir;

    private BenchPki(Path dir) {
        this.dir = dir;
    }

    static BenchPki openOrCreate(Path work) throws IOException, PkiException {
        BenchPki bench = new BenchPki(work);
        Path pkiDir = bench.pkiDir();
        char[] caPassword = bench.secret("ca.pw");
        char[] keystorePassword = bench.secret("keystore.pw");
        Pki pki;
        if (Files.exists(pkiDir.resolve("ca-chain.pem"))) {
            pki = Pki.open(pkiDir, caPassword);
        } else {
            Files.createDirectories(pkiDir.getParent());
            pki = Pki.create(pkiDir, "Bench Plant", caPassword);
            pki.issue(
                    CertificateRequest.builder(CertificateKind.GATEWAY, "gateway")
                            .role("gateway")
                            .ipAddress("127.0.0.1")
                            .dnsName("localhost")
                            .build(),
                    keystorePassword);
            for (String controller : CONTROLLERS) {
                pki.issue(
                        CertificateRequest.builder(CertificateKind.CONTROLLER, controller)
                                .ipAddress("127.0.0.1")
                                .dnsName("localhost")
                                .build(),
                        keystorePassword);
            }
            pki.issue(CertificateRequest.operator(OPERATOR, "operator"), keystorePassword);
            pki.issue(CertificateRequest.operator(SUPERVISOR, "supervisor"), keystorePassword);
        }
        // OPC UA certificates: issued on first use, also into a bench PKI made before they existed.
        if (!Files.exists(bench.keystore(GATEWAY_UA))) {
            pki.issue(
                    CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, GATEWAY_UA)
                            .uri(GATEWAY_UA_URI)
                            .ipAddress("127.0.0.1")
                            .dnsName("localhost")
                            .build(),
                    keystorePassword);
            pki.issue(CertificateRequest.opcuaApplication(SCADA_APP, SCADA_APP_URI), keystorePassword);
            pki.issue(
                    CertificateRequest.builder(CertificateKind.OPERATOR, SCADA_USER)
                            .role("operator")
                            .keyAlgorithm(KeyAlgorithm.RSA_2048)
                            .build(),
                    keystorePassword);
        }
        // The audit key: issued on first use, also into a bench PKI made before it existed.
        if (!Files.exists(bench.keystore(AUDIT))) {
            pki.issue(CertificateRequest.builder(CertificateKind.AUDIT, AUDIT).build(), keystorePassword);
        }
        // The MQTT broker and the incident team: issued on first use, also into an older bench PKI.
        if (!Files.exists(bench.keystore(BROKER))) {
            pki.issue(
                    CertificateRequest.builder(CertificateKind.BROKER, BROKER)
                            .ipAddress("127.0.0.1")
                            .dnsName("localhost")
                            .build(),
                    keystorePassword);
            pki.issue(CertificateRequest.operator(INCIDENT_TEAM, "operator"), keystorePassword);
        }
        pki.publishCrl(Duration.ofDays(30));
        return bench;
    }

    Path pkiDir() {
        return dir.resolve("pki");
    }

    Path keystore(String name) {
        return pkiDir().resolve("issued").resolve(name + ".p12");
    }

    /** The key and certificate chain of {@code name}'s key store. */
    Identity identity(String name) throws IOException, PkiException {
        char[] password = secret("keystore.pw");
        try {
            return Keystores.loadIdentity(keystore(name), password);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    X509Certificate root() throws PkiException {
        return Keystores.readCertificate(pkiDir().resolve("root-ca.crt.pem"));
    }

    List<X509Certificate> issuers() throws PkiException {
        X509Certificate root = root();
        return Keystores.readCertificates(pkiDir().resolve("ca-chain.pem")).stream()
                .filter(c -> !c.equals(root))
                .toList();
    }

    List<X509CRL> crls() throws PkiException {
        return Keystores.readCrls(pkiDir().resolve("crl.pem"));
    }

    Path keystorePasswordFile() {
        return dir.resolve("secrets").resolve("keystore.pw");
    }

    /** The password in {@code secrets/<name>}, made (random) on first use. */
    private char[] secret(String name) throws IOException {
        Path file = dir.resolve("secrets").resolve(name);
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            Files.writeString(file, HexFormat.of().formatHex(random) + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the folder's own permissions apply.
            }
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
    }
}
