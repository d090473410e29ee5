package dev.failover.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates keys and builds certificates and CRLs with BouncyCastle; the profile of every kind lives
 * here (docs/pki.md, "What each certificate contains"). Signing uses the BC provider. Thread-safe
 * when its {@link SecureRandom} is (the JDK's are).
 */
final class CertificateMaker {

    private final SecureRandom random;
    private final JcaX509ExtensionUtils extensionUtils;

    CertificateMaker(SecureRandom random) {
        this.random = random;
        try {
            this.extensionUtils = new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 for key identifiers is unavailable", e);
        }
    }

    KeyPair generateKeyPair(KeyAlgorithm algorithm) throws PkiException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.jcaName(), Bc.PROVIDER);
            switch (algorithm) {
                case EC_P256 -> generator.initialize(new ECGenParameterSpec("secp256r1"), random);
                case RSA_2048 -> generator.initialize(2048, random);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new PkiException(
                    PkiException.Reason.CRYPTO, "cannot generate a " + algorithm + " key pair: " + e.getMessage(), e);
        }
    }

    /** A random positive serial number of up to 128 bits (RFC 5280 §4.1.2.2 allows 20 octets). */
    BigInteger newSerial() {
        BigInteger serial;
        do {
            serial = new BigInteger(128, random);
        } while (serial.signum() == 0);
        return serial;
    }

    /** A self-signed root CA: basicConstraints CA with pathLen 1, keyCertSign and cRLSign. */
    X509Certificate rootCa(X500Name subject, KeyPair keyPair, Instant notBefore, Instant notAfter) throws PkiException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject, newSerial(), Date.from(notBefore), Date.from(notAfter), subject, keyPair.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    extensionUtils.createSubjectKeyIdentifier(keyPair.getPublic()));
        } catch (CertIOException e) {
            throw encodingFailure(subject, e);
        }
        return sign(builder, keyPair.getPrivate(), subject);
    }

    /** An intermediate CA under {@code issuer}: basicConstraints CA with pathLen 0. */
    X509Certificate intermediateCa(
            X500Name subject,
            PublicKey publicKey,
            X509Certificate issuer,
            PrivateKey issuerKey,
            Instant notBefore,
            Instant notAfter)
            throws PkiException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer, newSerial(), Date.from(notBefore), Date.from(notAfter), subject, publicKey);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            addKeyIdentifiers(builder, publicKey, issuer);
        } catch (CertIOException e) {
            throw encodingFailure(subject, e);
        }
        return sign(builder, issuerKey, subject);
    }

    /** An end-entity certificate for {@code request}, with the profile of its kind. */
    X509Certificate endEntity(
            CertificateRequest request,
            X500Name subject,
            BigInteger serial,
            PublicKey publicKey,
            X509Certificate issuer,
            PrivateKey issuerKey,
            Instant notBefore,
            Instant notAfter)
            throws PkiException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer, serial, Date.from(notBefore), Date.from(notAfter), subject, publicKey);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, keyUsage(request));
            builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(request.kind()));
            addKeyIdentifiers(builder, publicKey, issuer);
            GeneralNames altNames = subjectAltNames(request);
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            if (request.role().isPresent()) {
                builder.addExtension(RoleExtension.of(request.role().get()));
            }
        } catch (IOException e) {
            throw encodingFailure(subject, e);
        }
        return sign(builder, issuerKey, subject);
    }

    /** A CRL of {@code issuer} listing {@code revoked} (each must carry a revocation). */
    X509CRL crl(
            X509Certificate issuer,
            PrivateKey issuerKey,
            Instant thisUpdate,
            Instant nextUpdate,
            BigInteger number,
            List<CertificateRecord> revoked)
            throws PkiException {
        X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(issuer, Date.from(thisUpdate));
        builder.setNextUpdate(Date.from(nextUpdate));
        for (CertificateRecord record : revoked) {
            CertificateRecord.Revocation revocation = record.revocation().orElseThrow();
            builder.addCRLEntry(
                    record.serial(),
                    Date.from(revocation.revokedAt()),
                    revocation.reason().code());
        }
        try {
            builder.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    extensionUtils.createAuthorityKeyIdentifier(issuer.getPublicKey()));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            return new JcaX509CRLConverter().getCRL(builder.build(signer(issuerKey)));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new PkiException(
                    PkiException.Reason.CRYPTO,
                    "cannot build the CRL of " + issuer.getSubjectX500Principal() + ": " + e.getMessage(),
                    e);
        }
    }

    private static KeyUsage keyUsage(CertificateRequest request) {
        boolean ec = request.keyAlgorithm() == KeyAlgorithm.EC_P256;
        return new KeyUsage(
                switch (request.kind()) {
                    // TLS: ECDHE-ECDSA needs digitalSignature; static (EC)DH or RSA key transport need
                    // keyAgreement resp. keyEncipherment.
                    case GATEWAY, CONTROLLER, BROKER ->
                        KeyUsage.digitalSignature | (ec ? KeyUsage.keyAgreement : KeyUsage.keyEncipherment);
                    case OPERATOR, AUDIT -> KeyUsage.digitalSignature | KeyUsage.nonRepudiation;
                    // OPC UA Part 6 §6.2.2 application instance certificate, as Milo checks it.
                    case OPCUA_APPLICATION ->
                        KeyUsage.digitalSignature
                                | KeyUsage.nonRepudiation
                                | KeyUsage.keyEncipherment
                                | KeyUsage.dataEncipherment;
                });
    }

    private static ExtendedKeyUsage extendedKeyUsage(CertificateKind kind) {
        KeyPurposeId[] purposes = switch (kind) {
            case GATEWAY, CONTROLLER, OPCUA_APPLICATION ->
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth};
            // emailProtection is the RFC 5280 purpose for CMS/S-MIME signatures: it marks the
            // certificate as fit to sign commands (Purpose.COMMAND_SIGNING), which gateways and
            // controllers are not.
            case OPERATOR -> new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_emailProtection};
            // A server and nothing else: a broker's key cannot log in to a controller or the gateway.
            case BROKER -> new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth};
            // Its own purpose only: an audit key cannot log in or sign commands, and no other key can
            // sign checkpoints.
            case AUDIT ->
                new KeyPurposeId[] {
                    KeyPurposeId.getInstance(
                            new org.bouncycastle.asn1.ASN1ObjectIdentifier(CertificateKind.AUDIT_SIGNING))
                };
        };
        return new ExtendedKeyUsage(purposes);
    }

    private static GeneralNames subjectAltNames(CertificateRequest request) {
        List<GeneralName> names = new ArrayList<>();
        request.uri().ifPresent(uri -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
        request.dnsNames().forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        request.ipAddresses().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        return names.isEmpty() ? null : GeneralNames.getInstance(new DERSequence(names.toArray(new GeneralName[0])));
    }

    private void addKeyIdentifiers(X509v3CertificateBuilder builder, PublicKey publicKey, X509Certificate issuer)
            throws CertIOException {
        builder.addExtension(
                Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(publicKey));
        builder.addExtension(
                Extension.authorityKeyIdentifier,
                false,
                extensionUtils.createAuthorityKeyIdentifier(issuer.getPublicKey()));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey, X500Name subject)
            throws PkiException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(issuerKey)));
        } catch (GeneralSecurityException e) {
            throw new PkiException(
                    PkiException.Reason.CRYPTO, "cannot sign the certificate of " + subject + ": " + e.getMessage(), e);
        }
    }

    private static ContentSigner signer(PrivateKey issuerKey) throws GeneralSecurityException {
        String algorithm = "RSA".equals(issuerKey.getAlgorithm())
                ? KeyAlgorithm.RSA_2048.signatureAlgorithm()
                : KeyAlgorithm.EC_P256.signatureAlgorithm();
        try {
            return new JcaContentSignerBuilder(algorithm)
                    .setProvider(Bc.PROVIDER)
                    .build(issuerKey);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("no " + algorithm + " signer: " + e.getMessage(), e);
        }
    }

    private static PkiException encodingFailure(X500Name subject, Exception e) {
        return new PkiException(
                PkiException.Reason.CRYPTO, "cannot encode the extensions of " + subject + ": " + e.getMessage(), e);
    }
}
