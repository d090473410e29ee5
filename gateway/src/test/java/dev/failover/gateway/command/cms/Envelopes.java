package dev.failover.gateway.command.cms;

import dev.failover.certs.Identity;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Test support: envelopes the gateway must refuse, made with BouncyCastle's own CMS generator (never
 * by hand), and certificates with tampered fields. Each helper changes one thing against what
 * {@link CmsEnvelope#sign} produces.
 */
public final class Envelopes {

    private static final Provider BC = new BouncyCastleProvider();

    private Envelopes() {}

    /** How one signer signs: its identity, the JCA signature algorithm and optional attribute tweaks. */
    public record Signer(
            Identity identity,
            String algorithm,
            CMSAttributeTableGenerator signedAttributes,
            CMSAttributeTableGenerator unsignedAttributes) {

        public static Signer of(Identity identity, String algorithm) {
            return new Signer(identity, algorithm, null, null);
        }

        public Signer signedAttributes(CMSAttributeTableGenerator generator) {
            return new Signer(identity, algorithm, generator, unsignedAttributes);
        }

        public Signer unsignedAttributes(CMSAttributeTableGenerator generator) {
            return new Signer(identity, algorithm, signedAttributes, generator);
        }

        SignerInfoGenerator generator() throws Exception {
            JcaSignerInfoGeneratorBuilder builder = new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().setProvider(BC).build());
            if (signedAttributes != null) {
                builder.setSignedAttributeGenerator(signedAttributes);
            }
            if (unsignedAttributes != null) {
                builder.setUnsignedAttributeGenerator(unsignedAttributes);
            }
            return builder.build(
                    new JcaContentSignerBuilder(algorithm).setProvider(BC).build(identity.privateKey()),
                    identity.certificate());
        }
    }

    /** A DER envelope of {@code content} by {@code signers}, carrying {@code certificates}. */
    public static byte[] generate(byte[] content, List<Signer> signers, List<X509Certificate> certificates)
            throws Exception {
        return generated(content, signers, certificates).getEncoded(ASN1Encoding.DER);
    }

    /** As {@link #generate}, unencoded, to be encoded otherwise (BER). */
    public static CMSSignedData generated(byte[] content, List<Signer> signers, List<X509Certificate> certificates)
            throws Exception {
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        for (Signer signer : signers) {
            generator.addSignerInfoGenerator(signer.generator());
        }
        generator.addCertificates(new JcaCertStore(certificates));
        return generator.generate(new CMSProcessableByteArray(content), true);
    }

    /**
     * What {@code CmsEnvelope.sign} wrote before the strict decoder, less the issuers: BouncyCastle's
     * default encoding, BER with indefinite lengths.
     */
    public static byte[] ber(byte[] content, Identity who) throws Exception {
        return generated(content, List.of(Signer.of(who, "SHA256withECDSA")), List.of(who.certificate()))
                .getEncoded();
    }

    /** One signer with {@code algorithm}, carrying its certificate only: as {@code sign}, another algorithm. */
    public static byte[] signedWith(byte[] content, Identity who, String algorithm) throws Exception {
        return generate(content, List.of(Signer.of(who, algorithm)), List.of(who.certificate()));
    }

    /** Signed attributes as BouncyCastle makes them, then changed by {@code change}. */
    public static CMSAttributeTableGenerator signedAttributes(UnaryOperator<AttributeTable> change) {
        return parameters ->
                change.apply(new org.bouncycastle.cms.DefaultSignedAttributeTableGenerator().getAttributes(parameters));
    }

    /**
     * Rebuilds a DER envelope with its single SignerInfo changed by {@code change}: for fields no
     * signature covers.
     */
    public static byte[] withSignerInfo(byte[] envelope, UnaryOperator<SignerInfo> change) {
        ContentInfo info = ContentInfo.getInstance(envelope);
        SignedData data = SignedData.getInstance(info.getContent());
        SignerInfo changed =
                change.apply(SignerInfo.getInstance(data.getSignerInfos().getObjectAt(0)));
        SignedData rebuilt = new SignedData(
                data.getDigestAlgorithms(),
                data.getEncapContentInfo(),
                data.getCertificates(),
                data.getCRLs(),
                new org.bouncycastle.asn1.DERSet(changed));
        try {
            return new ContentInfo(info.getContentType(), rebuilt).getEncoded(ASN1Encoding.DER);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A SignerInfo with another signature value, every other field kept. */
    public static SignerInfo withSignature(SignerInfo s, byte[] signature) {
        return new SignerInfo(
                s.getSID(),
                s.getDigestAlgorithm(),
                s.getAuthenticatedAttributes(),
                s.getDigestEncryptionAlgorithm(),
                new org.bouncycastle.asn1.DEROctetString(signature),
                s.getUnauthenticatedAttributes());
    }

    /**
     * {@code certificate} with its validity changed but its issuer's signature kept: what someone who
     * edits the dates of a certificate gets. The certificate still parses; its signature no longer
     * verifies.
     */
    public static X509Certificate redated(X509Certificate certificate, Instant notBefore, Instant notAfter)
            throws Exception {
        ASN1Sequence whole = ASN1Sequence.getInstance(certificate.getEncoded());
        ASN1Sequence tbs = ASN1Sequence.getInstance(whole.getObjectAt(0));
        ASN1EncodableVector fields = new ASN1EncodableVector();
        // TBSCertificate: [0] version, serialNumber, signature, issuer, validity, subject, ...
        for (int i = 0; i < tbs.size(); i++) {
            ASN1Encodable field = tbs.getObjectAt(i);
            fields.add(
                    i == 4
                            ? new DERSequence(
                                    new ASN1Encodable[] {new Time(Date.from(notBefore)), new Time(Date.from(notAfter))})
                            : field);
        }
        Certificate tampered = Certificate.getInstance(new DERSequence(
                new ASN1Encodable[] {new DERSequence(fields), whole.getObjectAt(1), whole.getObjectAt(2)}));
        return new JcaX509CertificateConverter().setProvider(BC).getCertificate(new X509CertificateHolder(tampered));
    }

    /** A self-signed certificate for a fresh key pair: to sign with keys the plant PKI never issues. */
    public static Identity selfSigned(
            String keyAlgorithm, AlgorithmParameterSpec spec, int bits, String signatureAlgorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm, BC);
        if (spec != null) {
            generator.initialize(spec);
        } else {
            generator.initialize(bits);
        }
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=odd-key");
        Instant now = Instant.now();
        X509CertificateHolder holder = new JcaX509v3CertificateBuilder(
                        name,
                        java.math.BigInteger.valueOf(now.toEpochMilli()),
                        Date.from(now.minus(Duration.ofDays(1))),
                        Date.from(now.plus(Duration.ofDays(1))),
                        name,
                        pair.getPublic())
                .build(new JcaContentSignerBuilder(signatureAlgorithm)
                        .setProvider(BC)
                        .build(pair.getPrivate()));
        X509Certificate certificate =
                new JcaX509CertificateConverter().setProvider(BC).getCertificate(holder);
        return new Identity("odd-key", pair.getPrivate(), List.of(certificate));
    }

    /** The single SignerInfo of a DER envelope. */
    public static SignerInfo signerInfo(byte[] envelope) {
        return SignerInfo.getInstance(
                SignedData.getInstance(ContentInfo.getInstance(envelope).getContent())
                        .getSignerInfos()
                        .getObjectAt(0));
    }

    /**
     * The envelope with its ECDSA signature (r, s) replaced by (r, n - s), which verifies as well: the
     * one change of a signed envelope anyone can make without the key.
     */
    public static byte[] ecdsaTwin(byte[] envelope, Identity signer) throws Exception {
        BigInteger n =
                ((ECPublicKey) signer.certificate().getPublicKey()).getParams().getOrder();
        ASN1Sequence rs = ASN1Sequence.getInstance(
                signerInfo(envelope).getEncryptedDigest().getOctets());
        BigInteger r = ASN1Integer.getInstance(rs.getObjectAt(0)).getValue();
        BigInteger s = ASN1Integer.getInstance(rs.getObjectAt(1)).getValue();
        byte[] twin = new DERSequence(new ASN1Encodable[] {new ASN1Integer(r), new ASN1Integer(n.subtract(s))})
                .getEncoded(ASN1Encoding.DER);
        return withSignerInfo(envelope, info -> withSignature(info, twin));
    }
}
