package dev.failover.certs;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.Extension;

/**
 * The role a certificate grants, in the extension defined by the Modbus/TCP Security protocol
 * specification (MB-TCP-Security-v21, §6.3: OID 1.3.6.1.4.1.50316.802.1, an ASN.1 UTF8String,
 * non-critical). One certificate thus serves for command signatures and for Modbus/TCP Security.
 * Stateless and thread-safe.
 */
public final class RoleExtension {

    /** The role extension's object identifier. */
    public static final ASN1ObjectIdentifier OID = new ASN1ObjectIdentifier("1.3.6.1.4.1.50316.802.1");

    private RoleExtension() {}

    /** The extension carrying {@code role}, to add to a certificate being issued. */
    public static Extension of(String role) throws IOException {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("a role must not be empty");
        }
        return new Extension(OID, false, new DERUTF8String(role).getEncoded());
    }

    /**
     * The role in {@code certificate}, or empty when it has no role extension.
     *
     * @throws IllegalArgumentException when the extension is present but is not a UTF8String
     */
    public static Optional<String> read(X509Certificate certificate) {
        byte[] wrapped = certificate.getExtensionValue(OID.getId());
        if (wrapped == null) {
            return Optional.empty();
        }
        try {
            ASN1Primitive inner = ASN1Primitive.fromByteArray(
                    ASN1OctetString.getInstance(wrapped).getOctets());
            if (!(inner instanceof ASN1UTF8String utf8)) {
                throw new IllegalArgumentException(
                        "the role extension of " + certificate.getSubjectX500Principal() + " is not a UTF8String");
            }
            return Optional.of(utf8.getString());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the role extension of " + certificate.getSubjectX500Principal() + " is malformed", e);
        }
    }
}
