package dev.failover.plcsim;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Identity;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Builds the OPC UA configuration from the {@code run} options: the plant CA and CRLs (as for
 * Modbus/TCP Security) and the controller's OPC UA application identity from its key store. Stateless
 * and thread-safe.
 */
final class OpcUaSetup {

    private OpcUaSetup() {}

    /** The OPC UA configuration of a controller; the password is wiped from memory once used. */
    static SimConfig.OpcUa configure(OpcUaOptions options, UnaryOperator<String> environment)
            throws IOException, PkiException {
        Path caCertificates = TlsSetup.caCertificates(options.trust());
        Path crl = options.crl().orElseGet(() -> {
            Path trust = options.trust();
            Path dir = Files.isDirectory(trust) ? trust : trust.toAbsolutePath().getParent();
            return dir.resolve(TlsSetup.CRL);
        });
        // Milo checks revocation of client application certificates against every CA's CRL: fail closed.
        if (!Files.isRegularFile(crl)) {
            throw new IOException("the CRL " + crl + " does not exist: publish one with `certs crl` and copy it here"
                    + (options.crl().isEmpty() ? ", or name it with --crl FILE" : ""));
        }
        CertificateVerifier verifier = Keystores.verifier(caCertificates, List.of(crl), Clock.systemUTC());
        char[] password = options.password().read(environment);
        try {
            Identity application = Keystores.loadIdentity(options.keystore(), password);
            return new SimConfig.OpcUa(
                    options.port(), application, verifier, Keystores.readCrls(crl), options.handshakeTimeout());
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
