package dev.failover.gateway.command.cms;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signed commands as CMS SignedData (RFC 5652) with encapsulated content and the signer's
 * certificate. One strict decoder: {@link #open} accepts exactly one encoding of a signed command
 * (see {@link EnvelopeStructure} for the form) and checks, in this order, the structure, the
 * algorithms (see {@link AllowedAlgorithms}) and the signature against the embedded signer
 * certificate; the first that fails decides the outcome, and no exception leaves it for any input.
 * The certificate's chain, dates and revocation are the caller's to check (BouncyCastle's
 * {@code SignerInformation.verify} does not). Thread-safe.
 */
public final class CmsEnvelope {

    private static final Provider BC = new BouncyCastleProvider();

    private static final int MAX_CACHED_VERIFIERS = 1_000;

    /**
     * Verifiers per signer certificate: reusing one keeps the same public-key object, on which
     * BouncyCastle caches the precomputation of ECDSA verification, which then costs about half.
     */
    private static final Map<X509Certificate, SignerInformationVerifier> VERIFIERS = new ConcurrentHashMap<>();

    /** Parsed signer certificates by their encoding (operators sign many commands with one). */
    private static final Map<X509CertificateHolder, X509Certificate> CERTIFICATES = new ConcurrentHashMap<>();

    private CmsEnvelope() {}

    private static X509Certificate certificate(X509CertificateHolder holder) throws CertificateException {
        X509Certificate known = CERTIFICATES.get(holder);
        if (known != null) {
            return known;
        }
        if (CERTIFICATES.size() >= MAX_CACHED_VERIFIERS) {
            CERTIFICATES.clear();
        }
        X509Certificate parsed =
                new JcaX509CertificateConverter().setProvider(BC).getCertificate(holder);
        CERTIFICATES.put(holder, parsed);
        return parsed;
    }

    private static SignerInformationVerifier verifier(X509Certificate signer) throws OperatorCreationException {
        SignerInformationVerifier known = VERIFIERS.get(signer);
        if (known != null) {
            return known;
        }
        if (VERIFIERS.size() >= MAX_CACHED_VERIFIERS) {
            VERIFIERS.clear();
        }
        SignerInformationVerifier fresh =
                new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(signer.getPublicKey());
        VERIFIERS.put(signer, fresh);
        return fresh;
    }

    /**
     * Signs {@code content} with {@code key} into the one form {@link #open} accepts: DER, the
     * signer's certificate only, SHA-256 with ECDSA or RSA PKCS#1 v1.5 by the key's type.
     *
     * @param chain starts with the signer's certificate; its issuers are not included (the gateway
     *     builds the path from the plant PKI's own CA certificates)
     * @throws IllegalArgumentException for an empty chain or a key that is neither EC nor RSA
     */
    public static byte[] sign(byte[] content, PrivateKey key, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the signer's certificate chain is empty");
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default ->
                throw new IllegalArgumentException("a " + key.getAlgorithm()
                        + " key cannot sign commands: the plant PKI issues EC P-256 and RSA keys");
        };
        try {
            ContentSigner signer =
                    new JcaContentSignerBuilder(algorithm).setProvider(BC).build(key);
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                            .setProvider(BC)
                            .build())
                    .build(signer, chain.getFirst()));
            generator.addCertificate(new JcaX509CertificateHolder(chain.getFirst()));
            return generator
                    .generate(new CMSProcessableByteArray(content), true)
                    .getEncoded(ASN1Encoding.DER);
        } catch (OperatorCreationException | CertificateEncodingException | CMSException | IOException e) {
            throw new IllegalStateException("cannot sign the command: " + e.getMessage(), e);
        }
    }

    /** What an envelope holds once its structure, algorithms and signature are checked, or the first failure. */
    public sealed interface Opened {

        /** The signature verifies against the embedded signer certificate. */
        record Signed(byte[] content, X509Certificate signer) implements Opened {}

        /** The envelope is not in the one accepted form, or its certificate cannot be read. */
        record Malformed(String detail) implements Opened {}

        /** A digest, signature or key algorithm outside the allow-list. */
        record UnsupportedAlgorithm(String detail) implements Opened {}

        /** The signature does not verify against the embedded signer certificate. */
        record BadSignature(String detail) implements Opened {}
    }

    /**
     * Opens an envelope: structure, then algorithms, then the single signature against the embedded
     * signer certificate. Never throws for bad input: every library exception becomes a refusal
     * with a one-line detail.
     */
    public static Opened open(byte[] envelope) {
        try {
            EnvelopeStructure.Parts parts = EnvelopeStructure.parse(envelope);
            X509Certificate signer = readCertificate(parts);
            AllowedAlgorithms.KeyFamily family = AllowedAlgorithms.check(
                    parts.signer().getDigestAlgorithm(),
                    parts.signer().getDigestEncryptionAlgorithm(),
                    parts.certificate().getSubjectPublicKeyInfo());
            verify(parts, signer, family);
            return new Opened.Signed(parts.content(), signer);
        } catch (Refusal r) {
            return switch (r.step()) {
                case STRUCTURE -> new Opened.Malformed(r.getMessage());
                case ALGORITHM -> new Opened.UnsupportedAlgorithm(r.getMessage());
                case SIGNATURE -> new Opened.BadSignature(r.getMessage());
            };
        } catch (RuntimeException e) {
            // The boundary around BouncyCastle: whatever it throws for input it cannot handle is a
            // malformed envelope, told in one line (no stack trace: anyone could flood the log).
            return new Opened.Malformed("the envelope cannot be processed: " + Refusal.oneLine(e));
        }
    }

    private static X509Certificate readCertificate(EnvelopeStructure.Parts parts) throws Refusal {
        try {
            return certificate(new X509CertificateHolder(parts.certificate()));
        } catch (CertificateException | RuntimeException e) {
            throw Refusal.malformed("the signer's certificate cannot be read: " + Refusal.oneLine(e));
        }
    }

    private static void verify(
            EnvelopeStructure.Parts parts, X509Certificate signer, AllowedAlgorithms.KeyFamily family) throws Refusal {
        byte[] signature = parts.signer().getEncryptedDigest().getOctets();
        if (family == AllowedAlgorithms.KeyFamily.RSA) {
            // RFC 8017 §8.2.2: the signature is exactly as long as the modulus. BouncyCastle also accepts
            // it without leading zero bytes, which would be a second encoding of the same signature.
            int length = (AllowedAlgorithms.rsaModulus(parts.certificate().getSubjectPublicKeyInfo())
                                    .bitLength()
                            + 7)
                    / 8;
            if (signature.length != length) {
                throw Refusal.signature(
                        "the RSA signature has " + signature.length + " bytes, the key's modulus " + length);
            }
        }
        // Verify with the public key only: built from the certificate, BouncyCastle would also refuse a
        // signing time outside the certificate's validity, and report an expired certificate as a bad
        // signature. Dates are the PKIX check's job, with a precise reason.
        SignerInformationVerifier verifier;
        try {
            verifier = verifier(signer);
        } catch (OperatorCreationException | RuntimeException e) {
            throw Refusal.malformed("the signer's public key cannot be used: " + Refusal.oneLine(e));
        }
        try {
            SignerInformation signerInfo = new CMSSignedData(parts.info())
                    .getSignerInfos()
                    .getSigners()
                    .iterator()
                    .next();
            if (!signerInfo.verify(verifier)) {
                throw Refusal.signature("the signature does not match the content");
            }
        } catch (CMSException | RuntimeException e) {
            // A content that does not match its message digest, or a signature value that is not one.
            throw Refusal.signature("the signature does not verify: " + Refusal.oneLine(e));
        }
    }
}
