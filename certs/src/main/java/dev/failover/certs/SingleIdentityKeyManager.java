package dev.failover.certs;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager holding exactly one identity, which it presents whenever the key type fits, whatever
 * certificate authorities the peer lists. The JDK's own managers would stay silent towards a peer that
 * does not list our CA, and the peer would then see "no certificate" instead of a certificate it can
 * judge and reject with a reason. Thread-safe (immutable).
 */
final class SingleIdentityKeyManager extends X509ExtendedKeyManager {

    private final Identity identity;
    private final X509Certificate[] chain;

    SingleIdentityKeyManager(Identity identity) {
        this.identity = identity;
        this.chain = identity.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return fits(keyType) ? new String[] {identity.alias()} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return chooseFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseFor(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return fits(keyType) ? identity.alias() : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return fits(keyType) ? identity.alias() : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return identity.alias().equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return identity.alias().equals(alias) ? identity.privateKey() : null;
    }

    private String chooseFor(String[] keyTypes) {
        if (keyTypes != null) {
            for (String keyType : keyTypes) {
                if (fits(keyType)) {
                    return identity.alias();
                }
            }
        }
        return null;
    }

    private boolean fits(String keyType) {
        return identity.privateKey().getAlgorithm().equalsIgnoreCase(keyType);
    }
}
