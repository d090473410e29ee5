package dev.failover.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate chain, as read from a PKCS#12 key store: what a TLS endpoint
 * presents and what a command signer signs with. {@link #toString()} never shows the key.
 *
 * @param alias the key store alias (the certificate's name)
 * @param privateKey the private key
 * @param chain the end-entity certificate first, then its issuers
 */
public record Identity(String alias, PrivateKey privateKey, List<X509Certificate> chain) {

    public Identity {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the identity '" + alias + "' has no certificate");
        }
    }

    /** The end-entity certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    @Override
    public String toString() {
        return "Identity[" + alias + ", " + certificate().getSubjectX500Principal() + "]";
    }
}
