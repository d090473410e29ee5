package dev.failover.gateway;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Identity;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.certs.RoleExtension;
import dev.failover.certs.TlsContexts;
import dev.failover.gateway.command.NonceStore;
import dev.failover.gateway.config.SecurityConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The gateway's security material, loaded once at start from its {@link SecurityConfig}: its own
 * certificate and key (the keystore), the plant PKI's trust anchor and CRLs, the TLS context built
 * from them (for the controllers and the command endpoint), and the replay store.
 */
final class GatewaySecurity implements AutoCloseable {

    static final String GATEWAY_ROLE = "gateway";

    private final CertificateVerifier verifier;
    private final SSLContext tls;
    private final NonceStore nonces;

    private GatewaySecurity(CertificateVerifier verifier, SSLContext tls, NonceStore nonces) {
        this.verifier = verifier;
        this.tls = tls;
        this.nonces = nonces;
    }

    /** Loads everything or fails with a message naming the file that is wrong. */
    static GatewaySecurity open(SecurityConfig config, Clock clock) throws IOException {
        char[] password = config.keystorePassword().read();
        try {
            Identity identity = Keystores.loadIdentity(config.keystore(), password);
            String role = RoleExtension.read(identity.certificate()).orElse("");
            if (!GATEWAY_ROLE.equals(role)) {
                throw new IOException(config.keystore() + ": the certificate "
                        + identity.certificate().getSubjectX500Principal().getName() + " has role '" + role
                        + "', the gateway needs role '"
                        + GATEWAY_ROLE + "' (controllers accept writes only from it)");
            }
            CertificateVerifier verifier = Keystores.verifier(config.caCertificates(), List.of(config.crl()), clock);
            SSLContext tls = TlsContexts.create(identity, verifier);
            Files.createDirectories(config.stateDirectory());
            NonceStore nonces = NonceStore.open(config.stateDirectory().resolve("command-ids"), clock);
            return new GatewaySecurity(verifier, tls, nonces);
        } catch (PkiException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    CertificateVerifier verifier() {
        return verifier;
    }

    SSLContext tls() {
        return tls;
    }

    NonceStore nonces() {
        return nonces;
    }

    @Override
    public void close() throws IOException {
        nonces.close();
    }
}
