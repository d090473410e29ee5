package dev.failover.gateway.command.cms;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;

/**
 * The algorithms a command envelope may use: what the plant PKI issues (EC P-256 keys signing with
 * SHA256withECDSA, RSA-2048 keys signing with SHA256withRSA, see {@code certs}' {@code KeyAlgorithm}),
 * plus the stronger siblings of the same families. Everything else, SHA-1 and MD5 first, is refused
 * before any signature is verified. RSA-PSS and Ed25519 are not on the list: the PKI issues no such
 * keys, and an algorithm nobody uses is only attack surface.
 */
final class AllowedAlgorithms {

    /** Digests of the content (the message-digest attribute) and of the signed attributes. */
    private static final Map<ASN1ObjectIdentifier, String> DIGESTS = Map.of(
            NISTObjectIdentifiers.id_sha256, "SHA-256",
            NISTObjectIdentifiers.id_sha384, "SHA-384",
            NISTObjectIdentifiers.id_sha512, "SHA-512");

    private static final Set<ASN1ObjectIdentifier> ECDSA = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512);

    /**
     * RSA PKCS#1 v1.5: {@code rsaEncryption} is what BouncyCastle writes in a SignerInfo (RFC 3370
     * §3.2), the hash then being the digest algorithm, which is itself on the list.
     */
    private static final Set<ASN1ObjectIdentifier> RSA = Set.of(
            PKCSObjectIdentifiers.rsaEncryption,
            PKCSObjectIdentifiers.sha256WithRSAEncryption,
            PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption);

    private static final Map<ASN1ObjectIdentifier, String> CURVES =
            Map.of(X9ObjectIdentifiers.prime256v1, "P-256", SECObjectIdentifiers.secp384r1, "P-384");

    static final int MIN_RSA_BITS = 2048;
    /**
     * The signature is verified before the certificate's chain, so the key is the sender's choice:
     * the bounds keep one verification cheap (a 16,384-bit modulus with a huge exponent costs seconds).
     */
    static final int MAX_RSA_BITS = 4096;

    private static final int MAX_RSA_EXPONENT_BITS = 32;

    /** The key family a signature algorithm needs. */
    enum KeyFamily {
        EC,
        RSA
    }

    private AllowedAlgorithms() {}

    /**
     * Checks the signer info's digest and signature algorithms and the signer's key.
     *
     * @return the key family, for the signature step
     * @throws Refusal at the algorithm step naming what is not allowed, or at the structure step
     *     when the key cannot be read
     */
    static KeyFamily check(AlgorithmIdentifier digest, AlgorithmIdentifier signature, SubjectPublicKeyInfo key)
            throws Refusal {
        if (!DIGESTS.containsKey(digest.getAlgorithm()) || !absentOrNull(digest.getParameters())) {
            throw Refusal.algorithm("digest algorithm " + name(digest) + " is not allowed (allowed: "
                    + String.join(", ", DIGESTS.values().stream().sorted().toList()) + ")");
        }
        KeyFamily family;
        if (ECDSA.contains(signature.getAlgorithm()) && signature.getParameters() == null) {
            family = KeyFamily.EC;
        } else if (RSA.contains(signature.getAlgorithm()) && absentOrNull(signature.getParameters())) {
            family = KeyFamily.RSA;
        } else {
            throw Refusal.algorithm("signature algorithm " + name(signature)
                    + " is not allowed (allowed: ECDSA with SHA-256/384/512, RSA PKCS#1 v1.5)");
        }
        ASN1ObjectIdentifier keyAlgorithm = key.getAlgorithm().getAlgorithm();
        if (family == KeyFamily.EC) {
            if (!X9ObjectIdentifiers.id_ecPublicKey.equals(keyAlgorithm)) {
                throw Refusal.algorithm("an ECDSA signature needs an EC key; the certificate has a "
                        + name(key.getAlgorithm()) + " key");
            }
            ASN1Encodable curve = key.getAlgorithm().getParameters();
            if (!(curve instanceof ASN1ObjectIdentifier named) || !CURVES.containsKey(named)) {
                throw Refusal.algorithm("the signer's EC key is not on P-256 or P-384 (curve " + curve + ")");
            }
        } else {
            if (!PKCSObjectIdentifiers.rsaEncryption.equals(keyAlgorithm)) {
                throw Refusal.algorithm("an RSA signature needs an RSA key; the certificate has a "
                        + name(key.getAlgorithm()) + " key");
            }
            int bits = rsaModulus(key).bitLength();
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw Refusal.algorithm(
                        "the signer's RSA key has " + bits + " bits; allowed: " + MIN_RSA_BITS + " to " + MAX_RSA_BITS);
            }
        }
        return family;
    }

    /** The modulus of an RSA key whose size {@link #check} accepted. */
    static BigInteger rsaModulus(SubjectPublicKeyInfo key) throws Refusal {
        RSAPublicKey rsa;
        try {
            rsa = RSAPublicKey.getInstance(key.parsePublicKey());
        } catch (IOException | RuntimeException e) {
            throw Refusal.malformed("the signer's RSA key cannot be read: " + Refusal.oneLine(e));
        }
        if (rsa.getPublicExponent().bitLength() > MAX_RSA_EXPONENT_BITS) {
            throw Refusal.algorithm("the signer's RSA public exponent has "
                    + rsa.getPublicExponent().bitLength() + " bits; at most " + MAX_RSA_EXPONENT_BITS
                    + " are allowed");
        }
        return rsa.getModulus();
    }

    private static boolean absentOrNull(ASN1Encodable parameters) {
        return parameters == null || DERNull.INSTANCE.equals(parameters);
    }

    private static String name(AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        String name = new DefaultAlgorithmNameFinder().getAlgorithmName(oid);
        String shown = name.equals(oid.getId()) ? oid.getId() : name + " (" + oid.getId() + ")";
        return algorithm.getParameters() == null || DERNull.INSTANCE.equals(algorithm.getParameters())
                ? shown
                : shown + " with parameters";
    }
}
