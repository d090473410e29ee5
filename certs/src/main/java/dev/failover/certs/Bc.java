package dev.failover.certs;

import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The BouncyCastle provider, registered once (appended, so the JDK's providers stay the defaults
 * elsewhere). Registration by name is needed because {@code PKIXParameters.setSigProvider} takes a
 * provider name.
 */
final class Bc {

    static final Provider PROVIDER = install();
    /**
     * The registered name. Read from {@link #PROVIDER} on purpose: a compile-time constant would be
     * inlined by javac, and code using only the name would then never run the registration above.
     */
    static final String NAME = PROVIDER.getName();

    private Bc() {}

    private static synchronized Provider install() {
        Provider installed = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (installed != null) {
            return installed;
        }
        Provider provider = new BouncyCastleProvider();
        Security.addProvider(provider);
        return provider;
    }
}
