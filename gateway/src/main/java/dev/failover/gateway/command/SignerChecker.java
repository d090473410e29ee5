package dev.failover.gateway.command;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Validates a signer's certificate against the plant PKI: chain to the trust anchor, validity
 * dates, revocation and key usage, at the checker's current time. Implementations are thread-safe.
 */
@FunctionalInterface
public interface SignerChecker {

    /** Empty when the certificate is valid for signing commands now, else why not. */
    Optional<Decision.Rejected> check(X509Certificate signer);
}
