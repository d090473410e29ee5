package dev.failover.gateway.command.cms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.Identity;
import dev.failover.certs.KeyAlgorithm;
import dev.failover.certs.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strict decoder on its own: one accepted form, an algorithm allow-list, and a refusal (never an
 * exception) for everything else. Real keys and certificates of a test PKI; every refused envelope is
 * made by BouncyCastle's CMS generator with one thing changed.
 */
class CmsEnvelopeTest {

    private static final byte[] CONTENT = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static Identity alice;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(dir);
        alice = pki.identity(pki.operator("alice", "operator"));
    }

    private static CmsEnvelope.Opened.Signed opened(byte[] envelope) {
        CmsEnvelope.Opened opened = CmsEnvelope.open(envelope);
        assertThat(opened).isInstanceOf(CmsEnvelope.Opened.Signed.class);
        return (CmsEnvelope.Opened.Signed) opened;
    }

    private static String malformed(byte[] envelope) {
        CmsEnvelope.Opened opened = CmsEnvelope.open(envelope);
        assertThat(opened).isInstanceOf(CmsEnvelope.Opened.Malformed.class);
        return ((CmsEnvelope.Opened.Malformed) opened).detail();
    }

    private static String unsupported(byte[] envelope) {
        CmsEnvelope.Opened opened = CmsEnvelope.open(envelope);
        assertThat(opened).isInstanceOf(CmsEnvelope.Opened.UnsupportedAlgorithm.class);
        return ((CmsEnvelope.Opened.UnsupportedAlgorithm) opened).detail();
    }

    private static String badSignature(byte[] envelope) {
        CmsEnvelope.Opened opened = CmsEnvelope.open(envelope);
        assertThat(opened).isInstanceOf(CmsEnvelope.Opened.BadSignature.class);
        return ((CmsEnvelope.Opened.BadSignature) opened).detail();
    }

    @Test
    void opensWhatSignProducesDerWithTheSignerCertificateOnly() throws Exception {
        byte[] envelope = CmsEnvelope.sign(CONTENT, alice.privateKey(), alice.chain());

        CmsEnvelope.Opened.Signed signed = opened(envelope);

        assertThat(signed.content()).isEqualTo(CONTENT);
        assertThat(signed.signer()).isEqualTo(alice.certificate());
        assertThat(alice.chain()).as("the identity has issuers to leave out").hasSizeGreaterThan(1);
        assertThat(new CMSSignedData(envelope).getCertificates().getMatches(null))
                .hasSize(1);
        assertThat(ContentInfo.getInstance(envelope).getEncoded(ASN1Encoding.DER))
                .as("DER")
                .isEqualTo(envelope);
    }

    @Test
    void opensAnRsaSignatureOfAnRsa2048OperatorTheSameWay() throws Exception {
        Identity rsa = pki.identity(pki.pki()
                .issue(
                        CertificateRequest.builder(CertificateKind.OPERATOR, "rosa")
                                .role("operator")
                                .keyAlgorithm(KeyAlgorithm.RSA_2048)
                                .build(),
                        TestPki.KEYSTORE_PASSWORD));

        assertThat(opened(CmsEnvelope.sign(CONTENT, rsa.privateKey(), rsa.chain()))
                        .signer())
                .isEqualTo(rsa.certificate());
    }

    @Test
    void refusesTheBerEncodingOfAValidEnvelope() throws Exception {
        byte[] ber = Envelopes.ber(CONTENT, alice);
        assertThat(ber[1]).as("an indefinite length").isEqualTo((byte) 0x80);
        byte[] der = new CMSSignedData(ber).getEncoded(ASN1Encoding.DER);

        assertThat(malformed(ber)).contains("not DER-encoded");
        assertThat(opened(der).content()).as("the same envelope in DER").isEqualTo(CONTENT);
    }

    @Test
    void refusesTrailingBytes() {
        byte[] envelope = CmsEnvelope.sign(CONTENT, alice.privateKey(), alice.chain());

        assertThat(malformed(Arrays.copyOf(envelope, envelope.length + 1))).isNotEmpty();
    }

    @Test
    void refusesTwoSignersEvenIfBothSign() throws Exception {
        Identity bob = pki.identity(pki.operator("bob", "operator"));
        byte[] envelope = Envelopes.generate(
                CONTENT,
                List.of(Envelopes.Signer.of(alice, "SHA256withECDSA"), Envelopes.Signer.of(bob, "SHA256withECDSA")),
                List.of(alice.certificate(), bob.certificate()));

        assertThat(malformed(envelope)).isEqualTo("the envelope has 2 signers, expected exactly one");
    }

    @Test
    void refusesAnEnvelopeCarryingTheWholeChainOrNoCertificate() throws Exception {
        Envelopes.Signer signer = Envelopes.Signer.of(alice, "SHA256withECDSA");

        assertThat(malformed(Envelopes.generate(CONTENT, List.of(signer), alice.chain())))
                .isEqualTo("the envelope carries " + alice.chain().size()
                        + " certificates, expected exactly one: the signer's");
        assertThat(malformed(Envelopes.generate(CONTENT, List.of(signer), List.of())))
                .isEqualTo("the envelope carries 0 certificates, expected exactly one: the signer's");
    }

    @Test
    void refusesSha1AndOtherDigestsOffTheList() throws Exception {
        assertThat(unsupported(Envelopes.signedWith(CONTENT, alice, "SHA1withECDSA")))
                .startsWith("digest algorithm SHA1 (1.3.14.3.2.26) is not allowed");
        assertThat(unsupported(Envelopes.signedWith(CONTENT, alice, "SHA224withECDSA")))
                .startsWith("digest algorithm SHA224");
    }

    @Test
    void acceptsTheStrongerDigestsOfTheSameFamily() throws Exception {
        assertThat(opened(Envelopes.signedWith(CONTENT, alice, "SHA384withECDSA"))
                        .content())
                .isEqualTo(CONTENT);
        assertThat(opened(Envelopes.signedWith(CONTENT, alice, "SHA512withECDSA"))
                        .content())
                .isEqualTo(CONTENT);
    }

    @Test
    void refusesKeysThePlantPkiDoesNotIssue() throws Exception {
        Identity rsa1024 = Envelopes.selfSigned("RSA", null, 1024, "SHA256withRSA");
        Identity p521 = Envelopes.selfSigned("EC", new ECGenParameterSpec("secp521r1"), 0, "SHA256withECDSA");
        Identity ed25519 = Envelopes.selfSigned("Ed25519", null, 255, "Ed25519");

        assertThat(unsupported(Envelopes.signedWith(CONTENT, rsa1024, "SHA256withRSA")))
                .isEqualTo("the signer's RSA key has 1024 bits; allowed: 2048 to 4096");
        assertThat(unsupported(Envelopes.signedWith(CONTENT, p521, "SHA256withECDSA")))
                .startsWith("the signer's EC key is not on P-256 or P-384");
        assertThat(unsupported(Envelopes.signedWith(CONTENT, ed25519, "Ed25519")))
                .startsWith("signature algorithm ");
    }

    @Test
    void refusesASignerInfoWithoutAlgorithmProtectionOrWithOtherAttributes() throws Exception {
        Envelopes.Signer unprotected = Envelopes.Signer.of(alice, "SHA256withECDSA")
                .signedAttributes(Envelopes.signedAttributes(t -> t.remove(CMSAttributes.cmsAlgorithmProtect)));
        Envelopes.Signer extraSigned = Envelopes.Signer.of(alice, "SHA256withECDSA")
                .signedAttributes(
                        Envelopes.signedAttributes(t -> t.add(CMSAttributes.contentHint, new DERUTF8String("hint"))));
        Envelopes.Signer unsigned = Envelopes.Signer.of(alice, "SHA256withECDSA")
                .unsignedAttributes(parameters -> new AttributeTable(
                        new Attribute(CMSAttributes.contentHint, new DERSet(new DERUTF8String("x")))));
        List<java.security.cert.X509Certificate> own = List.of(alice.certificate());

        assertThat(malformed(Envelopes.generate(CONTENT, List.of(unprotected), own)))
                .isEqualTo("the CMS algorithm protection signed attribute is missing");
        assertThat(malformed(Envelopes.generate(CONTENT, List.of(extraSigned), own)))
                .isEqualTo("unexpected signed attribute " + CMSAttributes.contentHint);
        assertThat(malformed(Envelopes.generate(CONTENT, List.of(unsigned), own)))
                .isEqualTo("the signer info has unsigned attributes");
    }

    @Test
    void refusesUnsignedFieldsThatDifferFromTheOneEncodingTheSignedPartsImply() throws Exception {
        byte[] envelope = CmsEnvelope.sign(CONTENT, alice.privateKey(), alice.chain());
        ContentInfo info = ContentInfo.getInstance(envelope);
        SignedData data = SignedData.getInstance(info.getContent());
        AlgorithmIdentifier digest = signerInfo(envelope).getDigestAlgorithm();
        // The SignerInfo's digest algorithm is not signed; NULL parameters and none mean the same (RFC 5754).
        AlgorithmIdentifier sameMeaning = digest.getParameters() == null
                ? new AlgorithmIdentifier(digest.getAlgorithm(), DERNull.INSTANCE)
                : new AlgorithmIdentifier(digest.getAlgorithm());
        byte[] otherParameters = Envelopes.withSignerInfo(
                envelope,
                s -> new SignerInfo(
                        s.getSID(),
                        sameMeaning,
                        s.getAuthenticatedAttributes(),
                        s.getDigestEncryptionAlgorithm(),
                        s.getEncryptedDigest(),
                        null));
        byte[] extraDigestAlgorithm = new ContentInfo(
                        info.getContentType(),
                        new SignedData(
                                new DERSet(new ASN1Encodable[] {
                                    digest, new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha512)
                                }),
                                data.getEncapContentInfo(),
                                data.getCertificates(),
                                null,
                                data.getSignerInfos()))
                .getEncoded(ASN1Encoding.DER);

        assertThat(malformed(otherParameters))
                .isEqualTo("the signer info's algorithms differ from the signed algorithm protection attribute");
        assertThat(malformed(extraDigestAlgorithm)).startsWith("the envelope is not in its one accepted encoding");
    }

    @Test
    void refusesGarbageAndDeepNestingWithoutAnException() {
        byte[] nestedDefinite = new byte[2 * 100];
        for (int i = 0; i < 100; i++) {
            nestedDefinite[2 * i] = 0x30;
            nestedDefinite[2 * i + 1] = (byte) (2 * (100 - i - 1));
        }
        byte[] nestedIndefinite = new byte[16 * 1024];
        for (int i = 0; i < nestedIndefinite.length; i += 2) {
            nestedIndefinite[i] = 0x30;
            nestedIndefinite[i + 1] = (byte) 0x80;
        }

        assertThat(malformed(new byte[0])).isEqualTo("the envelope is empty");
        assertThat(malformed("not CMS".getBytes(StandardCharsets.UTF_8))).isNotEmpty();
        assertThat(malformed(nestedDefinite)).isNotEmpty();
        assertThat(malformed(nestedIndefinite)).isNotEmpty();
        assertThat(malformed(new byte[] {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .isNotEmpty();
    }

    @Test
    void refusesAnRsaSignatureWithoutItsLeadingZeroByte() throws Exception {
        Identity rsa = Envelopes.selfSigned("RSA", null, 2048, "SHA256withRSA");
        // PKCS#1 v1.5 is deterministic: vary the content until a signature starts with a zero byte (1 in 256).
        byte[] envelope = null;
        byte[] signature = null;
        for (int i = 0; i < 4_000 && (signature == null || signature[0] != 0); i++) {
            byte[] content = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            envelope = CmsEnvelope.sign(content, rsa.privateKey(), rsa.chain());
            signature = Envelopes.signerInfo(envelope).getEncryptedDigest().getOctets();
        }
        assertThat(signature[0]).isZero();
        assertThat(opened(envelope)).isNotNull();
        byte[] shortened = Arrays.copyOfRange(signature, 1, signature.length);

        assertThat(badSignature(Envelopes.withSignerInfo(envelope, s -> Envelopes.withSignature(s, shortened))))
                .isEqualTo("the RSA signature has 255 bytes, the key's modulus 256");
    }

    /**
     * The malleability that remains, and why it cannot change meaning: anyone can turn an ECDSA
     * signature (r, s) into (r, n - s), which verifies too. The content and the signer are the same
     * bytes, so the command is the same command, and its id is in the content: the replay store
     * accepts it once (CommandGuardTest shows the twin is REPLAYED).
     */
    @Test
    void theEcdsaTwinSignatureCarriesTheSameContentAndSigner() throws Exception {
        byte[] envelope = CmsEnvelope.sign(CONTENT, alice.privateKey(), alice.chain());

        byte[] twin = Envelopes.ecdsaTwin(envelope, alice);

        assertThat(twin).isNotEqualTo(envelope);
        CmsEnvelope.Opened.Signed original = opened(envelope);
        CmsEnvelope.Opened.Signed other = opened(twin);
        assertThat(other.content()).isEqualTo(original.content());
        assertThat(other.signer()).isEqualTo(original.signer());
    }

    private static SignerInfo signerInfo(byte[] envelope) {
        return Envelopes.signerInfo(envelope);
    }
}
