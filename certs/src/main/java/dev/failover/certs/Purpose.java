package dev.failover.certs;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * What an end-entity certificate is about to be used for. Checked after the PKIX path validation: the
 * key usage (when present) must allow the operation and the extended key usage (when present, RFC
 * 5280 §4.2.1.12) must list the purpose or anyExtendedKeyUsage.
 */
public enum Purpose {
    /** No usage check: path, validity and revocation only. */
    ANY(null, new int[0]),
    /** A TLS client (a gateway towards a controller, an operator towards the gateway): clientAuth, digitalSignature. */
    TLS_CLIENT(KeyPurposeId.id_kp_clientAuth, new int[] {Bit.DIGITAL_SIGNATURE}),
    /** A TLS server (a controller, the gateway's command endpoint): serverAuth, digitalSignature or keyEncipherment. */
    TLS_SERVER(KeyPurposeId.id_kp_serverAuth, new int[] {Bit.DIGITAL_SIGNATURE, Bit.KEY_ENCIPHERMENT}),
    /**
     * The signer of a CMS command envelope: emailProtection, the RFC 5280 purpose for CMS signatures,
     * which the PKI gives operator certificates only; digitalSignature or nonRepudiation.
     */
    COMMAND_SIGNING(KeyPurposeId.id_kp_emailProtection, new int[] {Bit.DIGITAL_SIGNATURE, Bit.NON_REPUDIATION}),
    /** The signer of the audit log's checkpoints: {@link CertificateKind#AUDIT_SIGNING}, digitalSignature or nonRepudiation. */
    AUDIT_SIGNING(
            KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier(CertificateKind.AUDIT_SIGNING)),
            new int[] {Bit.DIGITAL_SIGNATURE, Bit.NON_REPUDIATION});

    private final KeyPurposeId extendedKeyUsage;
    private final int[] anyOfKeyUsageBits;

    Purpose(KeyPurposeId extendedKeyUsage, int[] anyOfKeyUsageBits) {
        this.extendedKeyUsage = extendedKeyUsage;
        this.anyOfKeyUsageBits = anyOfKeyUsageBits;
    }

    /** Why {@code certificate} may not be used for this purpose, or empty when it may. */
    Optional<String> problem(X509Certificate certificate) {
        if (this == ANY) {
            return Optional.empty();
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage != null && !anyBitSet(keyUsage)) {
            return Optional.of("its key usage does not allow " + this);
        }
        try {
            List<String> purposes = certificate.getExtendedKeyUsage();
            if (purposes != null
                    && !purposes.contains(extendedKeyUsage.getId())
                    && !purposes.contains(KeyPurposeId.anyExtendedKeyUsage.getId())) {
                return Optional.of(
                        "its extended key usage does not list " + this + " (" + extendedKeyUsage.getId() + ")");
            }
        } catch (CertificateParsingException e) {
            return Optional.of("its extended key usage cannot be parsed: " + e.getMessage());
        }
        return Optional.empty();
    }

    private boolean anyBitSet(boolean[] keyUsage) {
        for (int bit : anyOfKeyUsageBits) {
            if (bit < keyUsage.length && keyUsage[bit]) {
                return true;
            }
        }
        return false;
    }

    /** RFC 5280 §4.2.1.3 KeyUsage bit numbers, as {@link X509Certificate#getKeyUsage()} indexes them. */
    private static final class Bit {
        static final int DIGITAL_SIGNATURE = 0;
        static final int NON_REPUDIATION = 1;
        static final int KEY_ENCIPHERMENT = 2;
        static final int KEY_AGREEMENT = 4;
    }
}
