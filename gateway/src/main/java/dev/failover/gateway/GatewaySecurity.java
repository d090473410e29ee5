package dev.failover.gateway;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Identity;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.certs.Purpose;
import dev.failover.certs.RoleExtension;
import dev.failover.certs.SubjectAltNames;
import dev.failover.certs.TlsContexts;
import dev.failover.certs.VerificationResult;
import dev.failover.gateway.command.NonceStore;
import dev.failover.gateway.config.AuditConfig;
import dev.failover.gateway.config.OpcUaIdentityConfig;
import dev.failover.gateway.config.Secret;
import dev.failover.gateway.config.SecurityConfig;
import dev.failover.gateway.durable.GroupCommit;
import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.link.opcua.OpcUaCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
    private final OpcUaCredentials opcUa;
    private final CommandJournal journal;
    private final GroupCommit commits;
    private final java.security.cert.X509Certificate certificate;

    private GatewaySecurity(
            CertificateVerifier verifier,
            SSLContext tls,
            NonceStore nonces,
            OpcUaCredentials opcUa,
            CommandJournal journal,
            GroupCommit commits,
            java.security.cert.X509Certificate certificate) {
        this.journal = journal;
        this.commits = commits;
        this.certificate = certificate;
        this.verifier = verifier;
        this.tls = tls;
        this.nonces = nonces;
        this.opcUa = opcUa;
    }

    /** The group commit of the replay store and the journal, which the audit log joins. */
    GroupCommit commits() {
        return commits;
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
            OpcUaCredentials opcUa =
                    config.opcUa().isPresent() ? opcUa(config, config.opcUa().get()) : null;
            Files.createDirectories(config.stateDirectory());
            // One group commit for the replay store, the journal and the audit log: one round of syncs
            // covers the records of every command that waits for one (docs/journal.md "Group commit").
            GroupCommit commits = new GroupCommit("gateway state");
            NonceStore nonces = NonceStore.open(config.stateDirectory().resolve("command-ids"), clock, commits);
            // The ids of tag writes are kept durably by the journal's Accepted records, not synced by the
            // replay store one by one: it learns them from the journal, and keeps those a compaction drops.
            Duration lifetime =
                    config.commands().maxWindow().plus(config.commands().clockSkew());
            CommandJournal journal;
            try {
                journal = CommandJournal.open(
                        config.stateDirectory().resolve("command-journal"),
                        clock,
                        CommandJournal.DEFAULT_COMPACT_THRESHOLD_BYTES,
                        commits,
                        ids -> nonces.keep(ids, lifetime));
                nonces.learn(journal.commandIds(), lifetime);
            } catch (IOException e) {
                nonces.close();
                throw e;
            }
            return new GatewaySecurity(verifier, tls, nonces, opcUa, journal, commits, identity.certificate());
        } catch (PkiException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The OPC UA identities, checked for what Milo and the controllers need; names the file that is wrong. */
    private static OpcUaCredentials opcUa(SecurityConfig config, OpcUaIdentityConfig identities)
            throws IOException, PkiException {
        Identity application = load(identities.keystore(), identities.keystorePassword());
        X509Certificate app = application.certificate();
        if (!(app.getPublicKey() instanceof RSAPublicKey)) {
            throw new IOException(identities.keystore() + ": the OPC UA application certificate must be RSA-2048"
                    + " (issue it with 'certs issue --kind opcua')");
        }
        if (SubjectAltNames.uri(app).isEmpty()) {
            throw new IOException(identities.keystore() + ": the OPC UA application certificate has no SAN URI"
                    + " (issue it with 'certs issue --kind opcua --uri urn:<plant>:gateway')");
        }
        Identity user = null;
        if (identities.userKeystore() != null) {
            user = load(identities.userKeystore(), identities.userKeystorePassword());
            String role = RoleExtension.read(user.certificate()).orElse("");
            if (!GATEWAY_ROLE.equals(role) || !(user.certificate().getPublicKey() instanceof RSAPublicKey)) {
                throw new IOException(identities.userKeystore()
                        + ": the OPC UA user certificate must be RSA with role '"
                        + GATEWAY_ROLE + "' (it has role '" + role + "'); issue it with 'certs issue --kind gateway"
                        + " --role gateway --rsa'");
            }
        }
        List<X509Certificate> cas = Keystores.readCertificates(config.caCertificates());
        X509Certificate root = cas.stream()
                .filter(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal()))
                .findFirst()
                .orElseThrow(() -> new IOException(config.caCertificates() + ": no root (self-signed) CA in it"));
        List<X509Certificate> issuers =
                cas.stream().filter(c -> !c.equals(root)).toList();
        return new OpcUaCredentials(application, user, root, issuers, Keystores.readCrls(config.crl()));
    }

    /**
     * A TLS context presenting the gateway's certificate ({@code config.keystore}) and trusting what
     * the CA of {@code caCertificates} issued, checked against {@code crl}: for a peer outside the plant
     * PKI (an MQTT broker with a CA of its own).
     *
     * @throws IOException naming the file that cannot be read
     */
    static SSLContext tlsTrusting(
            SecurityConfig config, java.nio.file.Path caCertificates, java.nio.file.Path crl, Clock clock)
            throws IOException {
        try {
            return TlsContexts.create(
                    load(config.keystore(), config.keystorePassword()),
                    Keystores.verifier(caCertificates, List.of(crl), clock));
        } catch (PkiException e) {
            throw new IOException("cannot build the TLS context trusting " + caCertificates + ": " + e.getMessage(), e);
        }
    }

    private static Identity load(java.nio.file.Path keystore, Secret password) throws IOException, PkiException {
        char[] chars = password.read();
        try {
            return Keystores.loadIdentity(keystore, chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /**
     * The audit key of {@code config}, checked to be an audit certificate of the plant (kind audit:
     * it may sign checkpoints and nothing else).
     *
     * @throws IOException naming the key store and what is wrong with it
     */
    Identity auditKey(AuditConfig config) throws IOException {
        try {
            Identity key = load(config.keystore(), config.keystorePassword());
            VerificationResult result = verifier.verify(key.chain(), Purpose.AUDIT_SIGNING);
            if (!result.isValid()) {
                throw new IOException(config.keystore() + ": not a valid audit key of this plant (" + result
                        + "); issue one with 'certs issue --kind audit'");
            }
            return key;
        } catch (PkiException e) {
            throw new IOException(config.keystore() + ": " + e.getMessage(), e);
        }
    }

    /** The OPC UA credentials, when the configuration has OPC UA identities. */
    Optional<OpcUaCredentials> opcUa() {
        return Optional.ofNullable(opcUa);
    }

    CertificateVerifier verifier() {
        return verifier;
    }

    /** The gateway's own certificate, which its TLS links present to the controllers. */
    java.security.cert.X509Certificate certificate() {
        return certificate;
    }

    SSLContext tls() {
        return tls;
    }

    NonceStore nonces() {
        return nonces;
    }

    /** The durable command journal ({@code <stateDirectory>/command-journal}). */
    CommandJournal journal() {
        return journal;
    }

    @Override
    public void close() throws IOException {
        try {
            journal.close();
        } finally {
            nonces.close();
        }
    }
}
