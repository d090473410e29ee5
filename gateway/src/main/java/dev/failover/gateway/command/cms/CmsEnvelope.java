package dev.failover.gateway.command.cms;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
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
import org.bouncycastle.util.Store;

/**
 * Signed commands as CMS SignedData (RFC 5652) with encapsulated content and the signer's
 * certificate chain included. This class checks only the envelope and the signature against the
 * embedded signer certificate; the certificate's chain, dates and revocation are the caller's to
 * check (BouncyCastle's {@code SignerInformation.verify} does not). Thread-safe.
 */
public final class CmsEnvelope {

    private static final Provider BC = new BouncyCastleProvider();

    private static final int MAX_CACHED_VERIFIERS = 1_000;

    /**
     * Verifiers per signer certificate: reusing one keeps the same public-key object, on which
     * BouncyCastle caches the precomputation of ECDSA verification, which then costs about half.
     */
    private static final Map<X509Certificate, SignerInformationVerifier> VERIFIERS = new ConcurrentHashMap<>();

    private CmsEnvelope() {}

    /** Parsed signer certificates by their encoding (operators sign many commands with one). */
    private static final Map<X509CertificateHolder, X509Certificate> CERTIFICATES = new ConcurrentHashMap<>();

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

    /** Signs {@code content} with {@code key}; {@code chain} starts with the signer's certificate. */
    public static byte[] sign(byte[] content, PrivateKey key, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the signer's certificate chain is empty");
        }
        try {
            String algorithm = key.getAlgorithm().startsWith("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            ContentSigner signer =
                    new JcaContentSignerBuilder(algorithm).setProvider(BC).build(key);
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                            .setProvider(BC)
                            .build())
                    .build(signer, chain.getFirst()));
            generator.addCertificates(new JcaCertStore(chain));
            return generator
                    .generate(new CMSProcessableByteArray(content), true)
                    .getEncoded();
        } catch (OperatorCreationException | CertificateEncodingException | CMSException | IOException e) {
            throw new IllegalStateException("cannot sign the command: " + e.getMessage(), e);
        }
    }

    /** What an envelope holds once its structure and signature are checked. */
    public sealed interface Opened {

        /** The signature verifies against the embedded signer certificate. */
        record Signed(byte[] content, X509Certificate signer) implements Opened {}

        /** The envelope is not a well-formed single-signer SignedData with its certificate. */
        record Malformed(String detail) implements Opened {}

        /** The signature does not verify against the embedded signer certificate. */
        record BadSignature(String detail) implements Opened {}
    }

    /** Parses the envelope and verifies its single signature against the embedded signer certificate. */
    public static Opened open(byte[] envelope) {
        CMSSignedData signed;
        try {
            signed = new CMSSignedData(ContentInfo.getInstance(envelope));
        } catch (CMSException | RuntimeException e) {
            return new Opened.Malformed("not a CMS SignedData structure: " + e.getMessage());
        }
        if (signed.getSignedContent() == null || !(signed.getSignedContent().getContent() instanceof byte[] content)) {
            return new Opened.Malformed("the envelope has no encapsulated content");
        }
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            return new Opened.Malformed("the envelope has " + signers.size() + " signers, expected exactly one");
        }
        SignerInformation signerInfo = signers.iterator().next();
        Store<X509CertificateHolder> store = signed.getCertificates();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = store.getMatches(signerInfo.getSID());
        if (matches.size() != 1) {
            return new Opened.Malformed("the signer's certificate is not included in the envelope");
        }
        try {
            // Only the signer's certificate is used: the path to the root is built from the plant
            // PKI's own CA certificates, never from those an envelope brings along.
            X509Certificate signer = certificate(matches.iterator().next());
            // Verify with the public key only: built from the certificate, BouncyCastle would also
            // refuse a signing time outside the certificate's validity, and report an expired
            // certificate as a bad signature. Dates are the PKIX check's job, with a precise reason.
            SignerInformationVerifier verifier = verifier(signer);
            if (!signerInfo.verify(verifier)) {
                return new Opened.BadSignature("the signature does not match the content");
            }
            return new Opened.Signed(content, signer);
        } catch (CMSException e) {
            return new Opened.BadSignature("the signature does not verify: " + e.getMessage());
        } catch (CertificateException | OperatorCreationException | RuntimeException e) {
            return new Opened.Malformed("the signer's certificate cannot be read: " + e.getMessage());
        }
    }
}
