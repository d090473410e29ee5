package dev.failover.plcsim;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.certs.TlsContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * Builds the Modbus/TCP Security configuration from the {@code run} options: reads the key store
 * password, loads the controller's identity and builds the TLS context that trusts the plant CA with
 * CRL revocation (the {@code certs} module's {@link TlsContexts}). Stateless and thread-safe.
 */
final class TlsSetup {

    /** Public files of a PKI directory, as the {@code certs} tool lays it out (docs/pki.md). */
    static final String CA_CHAIN = "ca-chain.pem";

    static final String ROOT_CERT = "root-ca.crt.pem";
    static final String CRL = "crl.pem";

    private TlsSetup() {}

    /** The TLS configuration of a controller; the password is wiped from memory once used. */
    static SimConfig.Tls configure(TlsOptions options, UnaryOperator<String> environment)
            throws IOException, PkiException {
        Path caCertificates = caCertificates(options.trust());
        Path crl = crl(options);
        // Revocation is always checked and fails closed: without a CRL every client would be refused.
        if (!Files.isRegularFile(crl)) {
            throw new IOException("the CRL " + crl + " does not exist: publish one with `certs crl` and copy it here"
                    + (options.crl().isEmpty() ? ", or name it with --crl FILE" : ""));
        }
        CertificateVerifier verifier = Keystores.verifier(caCertificates, List.of(crl), Clock.systemUTC());
        char[] password = options.password().read(environment);
        try {
            SSLContext context = TlsContexts.create(options.keystore(), password, verifier);
            return new SimConfig.Tls(context, options.access(), options.plainPort());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** A trust directory's CA chain (or its root alone); a trust file as given. */
    static Path caCertificates(Path trust) throws IOException {
        if (!Files.isDirectory(trust)) {
            if (!Files.isRegularFile(trust)) {
                throw new IOException("--trust " + trust + " does not exist: give the PKI directory or its " + CA_CHAIN
                        + " / " + ROOT_CERT);
            }
            return trust;
        }
        for (String name : new String[] {CA_CHAIN, ROOT_CERT}) {
            Path file = trust.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IOException("--trust " + trust + " holds neither " + CA_CHAIN + " nor " + ROOT_CERT);
    }

    /** {@code --crl}, else {@code crl.pem} in the trust directory or beside the trust file. */
    static Path crl(TlsOptions options) {
        if (options.crl().isPresent()) {
            return options.crl().get();
        }
        Path trust = options.trust();
        Path dir = Files.isDirectory(trust) ? trust : trust.toAbsolutePath().getParent();
        return dir.resolve(CRL);
    }
}
