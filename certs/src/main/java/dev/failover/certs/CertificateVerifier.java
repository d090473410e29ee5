package dev.failover.certs;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;

/**
 * Validates certificate chains against one trust anchor (the plant root) with the JDK's PKIX
 * validator, revocation checking on, from CRLs only (no OCSP, no network): each certificate in the
 * path must be covered by a current CRL of its issuer, or the result is {@code REVOCATION_UNKNOWN}.
 * Signatures are verified with the BouncyCastle provider. The validation time comes from an injected
 * {@link Clock}.
 *
 * <p>The presented chain may hold the end-entity certificate alone: missing intermediates are taken
 * from the configured ones. The path is assembled by issuer name and then validated in full, so a
 * look-alike CA fails on its signature. CRL files are re-read when they change.
 *
 * <p>Thread-safe; one instance can serve every TLS handshake and every command check.
 */
public final class CertificateVerifier {

    private static final int MAX_PATH_LENGTH = 5;

    private final X509Certificate anchorCertificate;
    private final TrustAnchor anchor;
    private final List<X509Certificate> intermediates;
    private final CrlSource crls;
    private final Clock clock;
    private final boolean revocation;

    private CertificateVerifier(Builder builder) {
        this.anchorCertificate = builder.trustAnchor;
        this.anchor = new TrustAnchor(builder.trustAnchor, null);
        this.intermediates = List.copyOf(builder.intermediates);
        this.crls = new CrlSource(builder.crlFiles, builder.crls);
        this.clock = builder.clock;
        this.revocation = builder.revocation;
    }

    /** A builder for a verifier trusting {@code trustAnchor} only. */
    public static Builder builder(X509Certificate trustAnchor) {
        return new Builder(trustAnchor);
    }

    /** Validates {@code chain} (end-entity certificate first) with no usage check. */
    public VerificationResult verify(List<X509Certificate> chain) {
        return verify(chain, Purpose.ANY);
    }

    /**
     * Validates {@code chain} (end-entity certificate first) at the clock's current instant, then
     * checks that the end-entity certificate may be used for {@code purpose}.
     *
     * @return {@link VerificationResult.Valid}, or {@link VerificationResult.Rejected} with the reason;
     *     never throws for a bad certificate
     */
    public VerificationResult verify(List<X509Certificate> chain, Purpose purpose) {
        Objects.requireNonNull(purpose, "purpose");
        if (chain == null || chain.isEmpty()) {
            return rejected(VerificationResult.Reason.MALFORMED, "no certificate was presented", null);
        }
        X509Certificate leaf = chain.get(0);
        Optional<VerificationResult> misencoded = misencodedSignature(chain);
        if (misencoded.isPresent()) {
            return misencoded.get();
        }
        List<X509Certificate> path = assemblePath(chain);
        CrlSource.Snapshot crlSnapshot = crls.current();
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXParameters parameters = new PKIXParameters(Set.of(anchor));
            parameters.setDate(Date.from(clock.instant()));
            parameters.setSigProvider(Bc.NAME);
            parameters.addCertStore(crlSnapshot.store());
            parameters.setRevocationEnabled(revocation);
            if (revocation) {
                PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
                // CRLs from our CertStore only: no OCSP, and no fallback to anything fetched from the network.
                checker.setOptions(
                        EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
                parameters.addCertPathChecker(checker);
            }
            validator.validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            Optional<VerificationResult> verdict = foreignIssuer(path).or(() -> brokenSignature(path));
            return verdict.isPresent() ? verdict.get() : fromValidator(e, path, crlSnapshot);
        } catch (GeneralSecurityException e) {
            return rejected(
                    VerificationResult.Reason.OTHER,
                    "cannot validate " + leaf.getSubjectX500Principal() + ": " + e.getMessage(),
                    e);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException | IndexOutOfBoundsException e) {
            // Presented certificates come from peers: one whose encoding the PKIX or ASN.1 code cannot
            // even process is refused like any other forgery, never thrown. Anything else is a bug and
            // goes up to the caller's last resort (the command guard's MALFORMED with a WARN line).
            return rejected(
                    VerificationResult.Reason.BAD_SIGNATURE,
                    "cannot check the signatures of " + leaf.getSubjectX500Principal() + ": "
                            + e.toString().lines().findFirst().orElse(""),
                    e);
        }
        // Usage after the signatures: a certificate altered to claim another usage is a bad signature.
        if (leaf.getBasicConstraints() >= 0) {
            return rejected(
                    VerificationResult.Reason.WRONG_USAGE,
                    leaf.getSubjectX500Principal() + " is a CA certificate, not an end entity",
                    null);
        }
        Optional<String> misuse = purpose.problem(leaf);
        if (misuse.isPresent()) {
            return rejected(
                    VerificationResult.Reason.WRONG_USAGE,
                    leaf.getSubjectX500Principal() + " may not be used here: " + misuse.get(),
                    null);
        }
        return new VerificationResult.Valid(path, anchorCertificate);
    }

    /** The trust anchor: the only root this verifier accepts. */
    public X509Certificate trustAnchor() {
        return anchorCertificate;
    }

    /** The clock giving the validation time. */
    public Clock clock() {
        return clock;
    }

    /** Re-reads the CRL files at the next verification even if they look unchanged. */
    public void reloadCrls() {
        crls.invalidate();
    }

    /**
     * The path from the end-entity certificate up to (not including) the anchor: each next
     * certificate is the one, among the presented chain and the configured intermediates, whose
     * subject is the current certificate's issuer. Signatures are left to the validator.
     */
    private List<X509Certificate> assemblePath(List<X509Certificate> chain) {
        List<X509Certificate> candidates = new ArrayList<>(chain.subList(1, chain.size()));
        candidates.addAll(intermediates);
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = chain.get(0);
        path.add(current);
        while (path.size() < MAX_PATH_LENGTH
                && !current.getIssuerX500Principal().equals(anchorCertificate.getSubjectX500Principal())) {
            X509Certificate issuer = null;
            for (X509Certificate candidate : candidates) {
                if (candidate.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                        && !path.contains(candidate)) {
                    issuer = candidate;
                    break;
                }
            }
            if (issuer == null) {
                break;
            }
            path.add(issuer);
            current = issuer;
        }
        return path;
    }

    /**
     * For a path the validator refused: the certificate nearest the root whose issuer's signature does
     * not verify, as {@code BAD_SIGNATURE}. The JDK's validator checks a certificate's dates (and some
     * extensions) before its signature, so an edited {@code notAfter} would otherwise come out as
     * {@code EXPIRED}: a reason chosen by whoever edited it. Only on refusal, so valid paths pay nothing.
     */
    private Optional<VerificationResult> brokenSignature(List<X509Certificate> path) {
        for (int i = path.size() - 1; i >= 0; i--) {
            X509Certificate certificate = path.get(i);
            X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchorFor(certificate);
            if (issuer == null) {
                continue; // not issued by the anchor: the validator's UNKNOWN_CA stands
            }
            try {
                certificate.verify(issuer.getPublicKey(), Bc.NAME);
            } catch (GeneralSecurityException | RuntimeException e) {
                return Optional.<VerificationResult>of(rejected(
                        VerificationResult.Reason.BAD_SIGNATURE,
                        certificate.getSubjectX500Principal() + " does not chain to the plant root: its issuer's"
                                + " signature does not verify (a tampered certificate)",
                        e));
            }
        }
        return Optional.empty();
    }

    /**
     * A presented certificate whose signature BIT STRING declares unused bits: a signature is whole
     * bytes, and no CA writes it otherwise. The JDK drops those bits and may still find the signature
     * good, so the same certificate would have several accepted encodings.
     */
    private static Optional<VerificationResult> misencodedSignature(List<X509Certificate> chain) {
        for (X509Certificate certificate : chain) {
            int padBits;
            try {
                padBits = org.bouncycastle.asn1.x509.Certificate.getInstance(certificate.getEncoded())
                        .getSignature()
                        .getPadBits();
            } catch (CertificateEncodingException | RuntimeException e) {
                padBits = -1;
            }
            if (padBits != 0) {
                return Optional.of(rejected(
                        VerificationResult.Reason.BAD_SIGNATURE,
                        certificate.getSubjectX500Principal() + ": its signature is not a whole number of bytes"
                                + " (a tampered certificate)",
                        null));
            }
        }
        return Optional.empty();
    }

    /**
     * For a path the validator refused: a certificate whose issuer, found by name, holds another key
     * than the one it names ({@code UNKNOWN_CA}): issued by another CA with the same name, such as a
     * re-created PKI of the same plant. Checked before the signatures, which then fail for that reason.
     */
    private Optional<VerificationResult> foreignIssuer(List<X509Certificate> path) {
        for (int i = 0; i < path.size(); i++) {
            X509Certificate certificate = path.get(i);
            X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchorFor(certificate);
            if (issuer != null && !namesKeyOf(certificate, issuer)) {
                return Optional.<VerificationResult>of(rejected(
                        VerificationResult.Reason.UNKNOWN_CA,
                        certificate.getSubjectX500Principal() + " was issued by another CA named "
                                + certificate.getIssuerX500Principal() + " (another key than the plant's)",
                        null));
            }
        }
        return Optional.empty();
    }

    private X509Certificate anchorFor(X509Certificate certificate) {
        return certificate.getIssuerX500Principal().equals(anchorCertificate.getSubjectX500Principal())
                ? anchorCertificate
                : null;
    }

    /**
     * Whether {@code certificate} names {@code issuer}'s key as its issuer's: its authority key
     * identifier equals the issuer's subject key identifier. True when either is missing (then the
     * names are all there is to go by).
     */
    private static boolean namesKeyOf(X509Certificate certificate, X509Certificate issuer) {
        try {
            byte[] aki = certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId());
            byte[] ski = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
            if (aki == null || ski == null) {
                return true;
            }
            byte[] authority = AuthorityKeyIdentifier.getInstance(
                            ASN1OctetString.getInstance(aki).getOctets())
                    .getKeyIdentifierOctets();
            byte[] subject = SubjectKeyIdentifier.getInstance(
                            ASN1OctetString.getInstance(ski).getOctets())
                    .getKeyIdentifier();
            return authority == null || Arrays.equals(authority, subject);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return true; // unreadable identifiers: the signature decides
        }
    }

    private static VerificationResult fromValidator(
            CertPathValidatorException e, List<X509Certificate> path, CrlSource.Snapshot crlSnapshot) {
        VerificationResult.Reason reason = reasonOf(e.getReason());
        int index = e.getIndex();
        String subject = index >= 0 && index < path.size()
                ? path.get(index).getSubjectX500Principal().toString()
                : path.get(0).getSubjectX500Principal().toString();
        StringBuilder detail = new StringBuilder(subject).append(": ").append(e.getMessage());
        if (reason == VerificationResult.Reason.UNKNOWN_CA) {
            X509Certificate top = path.get(path.size() - 1);
            detail.append(" (issuer ").append(top.getIssuerX500Principal()).append(" is not the trusted root)");
        }
        if (reason == VerificationResult.Reason.REVOCATION_UNKNOWN) {
            if (crlSnapshot.crlCount() == 0 && crlSnapshot.problems().isEmpty()) {
                detail.append(" (no CRL is configured)");
            }
            crlSnapshot
                    .problems()
                    .forEach(problem -> detail.append(" (").append(problem).append(')'));
        }
        return rejected(reason, detail.toString(), e);
    }

    private static VerificationResult.Reason reasonOf(CertPathValidatorException.Reason reason) {
        if (reason instanceof CertPathValidatorException.BasicReason basic) {
            return switch (basic) {
                case EXPIRED -> VerificationResult.Reason.EXPIRED;
                case NOT_YET_VALID -> VerificationResult.Reason.NOT_YET_VALID;
                case REVOKED -> VerificationResult.Reason.REVOKED;
                case INVALID_SIGNATURE -> VerificationResult.Reason.BAD_SIGNATURE;
                case UNDETERMINED_REVOCATION_STATUS -> VerificationResult.Reason.REVOCATION_UNKNOWN;
                default -> VerificationResult.Reason.OTHER;
            };
        }
        if (reason == PKIXReason.NO_TRUST_ANCHOR || reason == PKIXReason.NAME_CHAINING) {
            return VerificationResult.Reason.UNKNOWN_CA;
        }
        return VerificationResult.Reason.OTHER;
    }

    private static VerificationResult.Rejected rejected(
            VerificationResult.Reason reason, String detail, Exception cause) {
        return new VerificationResult.Rejected(reason, detail, Optional.ofNullable(cause));
    }

    /** Builds a {@link CertificateVerifier}; not thread-safe. */
    public static final class Builder {
        private final X509Certificate trustAnchor;
        private final List<X509Certificate> intermediates = new ArrayList<>();
        private final List<Path> crlFiles = new ArrayList<>();
        private final List<X509CRL> crls = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private boolean revocation = true;

        private Builder(X509Certificate trustAnchor) {
            this.trustAnchor = Objects.requireNonNull(trustAnchor, "trustAnchor");
        }

        /** Intermediate CA certificates to complete chains that are presented without them. */
        public Builder intermediates(Collection<X509Certificate> certificates) {
            intermediates.addAll(certificates);
            return this;
        }

        /** A PEM file of CRLs, read at the first verification and again whenever it changes. */
        public Builder crlFile(Path file) {
            crlFiles.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /** Fixed CRLs. */
        public Builder crls(Collection<X509CRL> fixedCrls) {
            crls.addAll(fixedCrls);
            return this;
        }

        /** The clock giving the validation time; the system UTC clock by default. */
        public Builder clock(Clock validationClock) {
            this.clock = Objects.requireNonNull(validationClock, "clock");
            return this;
        }

        /**
         * No revocation check: for checking a signature made in the past, offline, where no CRL is at
         * hand (the audit log's verifier on another machine with only the CA certificate). Never for a
         * live peer.
         */
        public Builder withoutRevocationCheck() {
            this.revocation = false;
            return this;
        }

        public CertificateVerifier build() {
            return new CertificateVerifier(this);
        }
    }
}
