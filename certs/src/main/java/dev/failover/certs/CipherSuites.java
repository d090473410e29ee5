package dev.failover.certs;

/** How the plant judges a TLS cipher suite. Stateless. */
public final class CipherSuites {

    private CipherSuites() {}

    /**
     * Whether {@code suite} (a JSSE name) has forward secrecy and authenticated encryption: every TLS
     * 1.3 suite, and over TLS 1.2 those with ECDHE or DHE and GCM or ChaCha20-Poly1305. CBC-mode
     * suites and suites without an ephemeral key exchange are not.
     */
    public static boolean strong(String suite) {
        if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
            return true;
        }
        boolean forwardSecret = suite.contains("_ECDHE_") || suite.contains("_DHE_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305");
        return forwardSecret && aead;
    }
}
