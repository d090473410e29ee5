package dev.failover.gateway.cli;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Identity;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.certs.Purpose;
import dev.failover.certs.TlsContexts;
import dev.failover.certs.VerificationResult;
import dev.failover.gateway.command.Command;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * An operator at the command line: their keystore (the certificate that signs commands and
 * authenticates to the gateway), and the plant PKI's public files to check the gateway with.
 * The command line opens one with {@link IdentityOptions}: its password comes from a file or an
 * environment variable, never from the command line.
 */
public final class OperatorIdentity {

    static final Duration VALIDITY = Duration.ofSeconds(60);

    private final Identity identity;
    private final CertificateVerifier verifier;
    private final SSLContext tls;
    private final Clock clock;

    private OperatorIdentity(Identity identity, CertificateVerifier verifier, SSLContext tls, Clock clock) {
        this.identity = identity;
        this.verifier = verifier;
        this.tls = tls;
        this.clock = clock;
    }

    /**
     * Loads an operator's keystore and the plant PKI's public files ({@code ca-chain.pem},
     * {@code crl.pem}) from {@code pki}. The password array is cleared afterwards.
     */
    public static OperatorIdentity open(Path keystore, Path pki, char[] password, Clock clock) throws IOException {
        try {
            Identity identity = Keystores.loadIdentity(keystore, password);
            CertificateVerifier verifier =
                    Keystores.verifier(pki.resolve("ca-chain.pem"), List.of(pki.resolve("crl.pem")), clock);
            return new OperatorIdentity(identity, verifier, TlsContexts.create(identity, verifier), clock);
        } catch (PkiException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The TLS client context: this operator's certificate, the plant PKI as trust. */
    public SSLContext tls() {
        return tls;
    }

    /**
     * Why this operator's own certificate is not good for the control endpoint under the plant PKI
     * it was given (chain, validity, revocation, TLS client use), if it is not: what a gateway that
     * refused it most likely found.
     */
    Optional<VerificationResult.Rejected> ownCertificateProblem() {
        return verifier.verify(identity.chain(), Purpose.TLS_CLIENT) instanceof VerificationResult.Rejected r
                ? Optional.of(r)
                : Optional.empty();
    }

    /** A fresh command (random id, valid for a minute from now), signed. */
    public byte[] sign(String pair, CommandAction action, Map<String, Object> args) {
        Instant now = clock.instant();
        Command command = new Command(UUID.randomUUID().toString(), now, now.plus(VALIDITY), pair, action, args);
        return CmsEnvelope.sign(command.canonicalJson(), identity.privateKey(), identity.chain());
    }
}
