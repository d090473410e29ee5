package dev.failover.gateway.bench;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.Pki;
import dev.failover.certs.PkiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
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
        pki.publishCrl(Duration.ofDays(30));
        return bench;
    }

    Path pkiDir() {
        return dir.resolve("pki");
    }

    Path keystore(String name) {
        return pkiDir().resolve("issued").resolve(name + ".p12");
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
