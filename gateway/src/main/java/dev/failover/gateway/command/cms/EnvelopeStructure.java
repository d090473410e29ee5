package dev.failover.gateway.command.cms;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAlgorithmProtection;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * The structure step of opening an envelope: the one form the gateway accepts, checked on
 * BouncyCastle's ASN.1 objects.
 *
 * <ul>
 *   <li>DER only: re-encoding the parsed structure in DER must give back the received bytes, so BER
 *       (indefinite lengths, constructed strings, unsorted sets, non-minimal lengths) is refused.
 *   <li>CMS SignedData (RFC 5652) of content type {@code data}, content encapsulated.
 *   <li>Exactly one SignerInfo, identified by issuer and serial number; exactly one certificate,
 *       the signer's (the path to the root is built from the plant PKI's own CA certificates); no
 *       CRLs; no unsigned attributes.
 *   <li>Signed attributes: content-type ({@code data}), message-digest and CMS algorithm protection
 *       (RFC 6211) once each with one value, signing-time at most once, nothing else.
 *   <li>The fields no signature covers are fixed by what is signed: the SignerInfo's digest and
 *       signature algorithm identifiers must equal, byte for byte, those in the signed algorithm
 *       protection attribute; the SignedData's digest algorithm list is that one digest algorithm;
 *       the versions and the signer identifier follow from the rest. The envelope must equal the one
 *       encoding rebuilt from these parts, so no unsigned byte can vary.
 * </ul>
 *
 * Every BouncyCastle exception is caught here and becomes a {@link Refusal} at the structure step.
 */
final class EnvelopeStructure {

    /** The signed attributes an envelope may carry. */
    private static final Set<ASN1ObjectIdentifier> SIGNED_ATTRIBUTES = Set.of(
            CMSAttributes.contentType,
            CMSAttributes.messageDigest,
            CMSAttributes.cmsAlgorithmProtect,
            CMSAttributes.signingTime);

    private EnvelopeStructure() {}

    /**
     * The parts of a well-formed envelope.
     *
     * @param info the whole envelope, for BouncyCastle's signature verification
     * @param certificate the signer's certificate (the only one in the envelope)
     * @param content the signed content
     * @param signer the single SignerInfo
     */
    record Parts(ContentInfo info, Certificate certificate, byte[] content, SignerInfo signer) {}

    /** Parses {@code envelope} and checks it is in the one accepted form. */
    static Parts parse(byte[] envelope) throws Refusal {
        try {
            return strictly(envelope);
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports bad input with unchecked exceptions of many kinds (IllegalArgumentException,
            // IllegalStateException, ClassCastException, ASN1ParsingException...): all mean malformed.
            throw Refusal.malformed("not a well-formed CMS SignedData envelope: " + Refusal.oneLine(e));
        }
    }

    private static Parts strictly(byte[] envelope) throws Refusal, IOException {
        if (envelope.length == 0) {
            throw Refusal.malformed("the envelope is empty");
        }
        ASN1Primitive top = ASN1Primitive.fromByteArray(envelope);
        if (!Arrays.equals(top.getEncoded(ASN1Encoding.DER), envelope)) {
            throw Refusal.malformed("the envelope is not DER-encoded (BER, indefinite lengths, non-minimal encodings"
                    + " or trailing bytes are refused)");
        }
        ContentInfo info = ContentInfo.getInstance(top);
        if (!CMSObjectIdentifiers.signedData.equals(info.getContentType())) {
            throw Refusal.malformed("the envelope is not CMS SignedData (content type " + info.getContentType() + ")");
        }
        SignedData signedData = SignedData.getInstance(info.getContent());
        ASN1Set signerInfos = signedData.getSignerInfos();
        if (signerInfos.size() != 1) {
            throw Refusal.malformed("the envelope has " + signerInfos.size() + " signers, expected exactly one");
        }
        ASN1Set certificates = signedData.getCertificates();
        int certificateCount = certificates == null ? 0 : certificates.size();
        if (certificateCount != 1) {
            throw Refusal.malformed(
                    "the envelope carries " + certificateCount + " certificates, expected exactly one: the signer's");
        }
        if (signedData.getCRLs() != null) {
            throw Refusal.malformed("the envelope carries revocation information; the gateway uses its own CRL");
        }
        Certificate certificate = Certificate.getInstance(certificates.getObjectAt(0));
        ContentInfo encapsulated = signedData.getEncapContentInfo();
        if (!CMSObjectIdentifiers.data.equals(encapsulated.getContentType())) {
            throw Refusal.malformed("the signed content is of type " + encapsulated.getContentType() + ", not data");
        }
        if (encapsulated.getContent() == null) {
            throw Refusal.malformed("the envelope has no encapsulated content");
        }
        byte[] content = ASN1OctetString.getInstance(encapsulated.getContent()).getOctets();
        SignerInfo signer = SignerInfo.getInstance(signerInfos.getObjectAt(0));
        SignerIdentifier sid = signer.getSID();
        if (sid.isTagged()) {
            throw Refusal.malformed("the signer is named by key identifier; expected issuer and serial number");
        }
        IssuerAndSerialNumber named = IssuerAndSerialNumber.getInstance(sid.getId());
        if (!named.getName().equals(certificate.getIssuer())
                || !named.getSerialNumber().equals(certificate.getSerialNumber())) {
            throw Refusal.malformed("the certificate in the envelope is not the signer's");
        }
        if (signer.getUnauthenticatedAttributes() != null) {
            throw Refusal.malformed("the signer info has unsigned attributes");
        }
        checkSignedAttributes(signer);
        // Compared as bytes: BouncyCastle's ASN.1 classes drop what they do not model (an extra element).
        if (!Arrays.equals(canonical(certificate, content, signer).getEncoded(ASN1Encoding.DER), envelope)) {
            throw Refusal.malformed("the envelope is not in its one accepted encoding (a version, the digest"
                    + " algorithm list or the signer identifier differs from what the signed parts imply)");
        }
        return new Parts(info, certificate, content, signer);
    }

    private static void checkSignedAttributes(SignerInfo signer) throws Refusal {
        ASN1Set attributes = signer.getAuthenticatedAttributes();
        if (attributes == null) {
            throw Refusal.malformed("the signer info has no signed attributes");
        }
        Map<ASN1ObjectIdentifier, ASN1Encodable> values = new HashMap<>();
        for (ASN1Encodable element : attributes) {
            Attribute attribute = Attribute.getInstance(element);
            ASN1ObjectIdentifier type = attribute.getAttrType();
            if (!SIGNED_ATTRIBUTES.contains(type)) {
                throw Refusal.malformed("unexpected signed attribute " + type);
            }
            if (attribute.getAttrValues().size() != 1) {
                throw Refusal.malformed("signed attribute " + type + " has "
                        + attribute.getAttrValues().size() + " values, expected one");
            }
            if (values.put(type, attribute.getAttrValues().getObjectAt(0)) != null) {
                throw Refusal.malformed("signed attribute " + type + " appears twice");
            }
        }
        ASN1Encodable contentType = require(values, CMSAttributes.contentType, "content-type");
        if (!CMSObjectIdentifiers.data.equals(ASN1ObjectIdentifier.getInstance(contentType))) {
            throw Refusal.malformed("the content-type attribute is " + contentType + ", not data");
        }
        ASN1OctetString.getInstance(require(values, CMSAttributes.messageDigest, "message-digest"));
        CMSAlgorithmProtection protection = CMSAlgorithmProtection.getInstance(
                require(values, CMSAttributes.cmsAlgorithmProtect, "CMS algorithm protection"));
        if (protection.getMacAlgorithm() != null
                || !signer.getDigestAlgorithm().equals(protection.getDigestAlgorithm())
                || !signer.getDigestEncryptionAlgorithm().equals(protection.getSignatureAlgorithm())) {
            throw Refusal.malformed(
                    "the signer info's algorithms differ from the signed algorithm protection" + " attribute");
        }
        if (values.containsKey(CMSAttributes.signingTime)) {
            Time.getInstance(values.get(CMSAttributes.signingTime));
        }
    }

    private static ASN1Encodable require(
            Map<ASN1ObjectIdentifier, ASN1Encodable> values, ASN1ObjectIdentifier type, String name) throws Refusal {
        ASN1Encodable value = values.get(type);
        if (value == null) {
            throw Refusal.malformed("the " + name + " signed attribute is missing");
        }
        return value;
    }

    /**
     * The one envelope these signed parts allow: everything not under a signature derived from what
     * is (BouncyCastle computes the versions from the parts, RFC 5652 §5.1 and §5.3).
     */
    private static ContentInfo canonical(Certificate certificate, byte[] content, SignerInfo signer) {
        SignerInfo signerInfo = new SignerInfo(
                new SignerIdentifier(new IssuerAndSerialNumber(certificate)),
                signer.getDigestAlgorithm(),
                signer.getAuthenticatedAttributes(),
                signer.getDigestEncryptionAlgorithm(),
                signer.getEncryptedDigest(),
                null);
        SignedData signedData = new SignedData(
                new DERSet(signer.getDigestAlgorithm()),
                new ContentInfo(CMSObjectIdentifiers.data, new DEROctetString(content)),
                new DERSet(certificate),
                null,
                new DERSet(signerInfo));
        return new ContentInfo(CMSObjectIdentifiers.signedData, signedData);
    }
}
