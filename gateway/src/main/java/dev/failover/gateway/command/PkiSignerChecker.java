package dev.failover.gateway.command;

import dev.failover.certs.CertificateVerifier;
import dev.failover.certs.Purpose;
import dev.failover.certs.VerificationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks command signers against the plant PKI. Only the signer's certificate is taken from the
 * envelope: the path to the root is built from the PKI's own CA certificates, never from
 * certificates an envelope brings along.
 *
 * <p>The chain comes before the dates: a certificate whose issuer's signature does not verify is
 * {@link RejectReason#UNKNOWN_CA} whatever its dates or extensions say (the verifier reports it as a
 * bad signature, never as the date or usage an altered certificate claims).
 *
 * <p>A full check (path, dates, CRLs, usage) costs several signature verifications, so a
 * <em>positive</em> verdict is remembered per certificate for at most {@code ttl}, never beyond the
 * certificate's expiry, and forgotten at once when the CRL file changes: a newly published CRL
 * takes effect for the next command. Rejections are never remembered. Thread-safe.
 */
public final class PkiSignerChecker implements SignerChecker {

    private static final int MAX_REMEMBERED = 10_000;

    private final CertificateVerifier verifier;
    private final Path crlFile;
    private final Clock clock;
    private final Duration ttl;
    private final Map<X509Certificate, Verdict> valid = new ConcurrentHashMap<>();

    private record Verdict(FileTime crlVersion, Instant until) {}

    /** Without a verdict cache: every command is checked in full. */
    public PkiSignerChecker(CertificateVerifier verifier) {
        this(verifier, null, Clock.systemUTC(), Duration.ZERO);
    }

    public PkiSignerChecker(CertificateVerifier verifier, Path crlFile, Clock clock, Duration ttl) {
        this.verifier = verifier;
        this.crlFile = crlFile;
        this.clock = clock;
        this.ttl = ttl;
    }

    @Override
    public Optional<Decision.Rejected> check(X509Certificate signer) {
        FileTime crlVersion = crlVersion();
        Instant now = clock.instant();
        Verdict known = valid.get(signer);
        if (known != null
                && crlVersion != null
                && known.crlVersion().equals(crlVersion)
                && now.isBefore(known.until())) {
            return Optional.empty();
        }
        return switch (verifier.verify(List.of(signer), Purpose.COMMAND_SIGNING)) {
            case VerificationResult.Valid v -> {
                if (crlVersion != null && !ttl.isZero()) {
                    if (valid.size() >= MAX_REMEMBERED) {
                        valid.clear();
                    }
                    Instant expiry = signer.getNotAfter().toInstant();
                    Instant until = now.plus(ttl);
                    valid.put(signer, new Verdict(crlVersion, until.isBefore(expiry) ? until : expiry));
                }
                yield Optional.empty();
            }
            case VerificationResult.Rejected r -> {
                valid.remove(signer);
                yield Optional.of(new Decision.Rejected(
                        reason(r.reason()),
                        r.detail(),
                        signer.getSubjectX500Principal().getName(),
                        ""));
            }
        };
    }

    private FileTime crlVersion() {
        if (crlFile == null) {
            return null;
        }
        try {
            return Files.getLastModifiedTime(crlFile);
        } catch (IOException e) {
            return null; // no cache without a readable CRL: the full check reports the problem
        }
    }

    private static RejectReason reason(VerificationResult.Reason reason) {
        return switch (reason) {
            case EXPIRED -> RejectReason.CERTIFICATE_EXPIRED;
            case NOT_YET_VALID -> RejectReason.CERTIFICATE_NOT_YET_VALID;
            case REVOKED -> RejectReason.REVOKED;
            case REVOCATION_UNKNOWN -> RejectReason.REVOCATION_UNKNOWN;
            case WRONG_USAGE -> RejectReason.WRONG_CERTIFICATE_USAGE;
            case MALFORMED -> RejectReason.MALFORMED;
            // A certificate that does not chain to the plant root, or whose issuer signature is forged.
            case UNKNOWN_CA, BAD_SIGNATURE, NAME_MISMATCH, OTHER -> RejectReason.UNKNOWN_CA;
        };
    }
}
