package dev.failover.plcsim.opcua;

/**
 * What a simulated controller's OPC UA server offers beyond its hardened endpoints (SignAndEncrypt
 * with Basic256Sha256 and Aes256_Sha256_RsaPss, X.509 users): the weakenings a posture drill injects.
 *
 * @param noneEndpoint whether it also offers an endpoint with security policy None and mode None
 *     (sessions in plaintext, without a client certificate)
 * @param anonymous whether every endpoint also takes anonymous users (who may read, never write)
 */
public record UaPosture(boolean noneEndpoint, boolean anonymous) {

    /** The hardened server: no None endpoint, no anonymous users. */
    public static final UaPosture HARDENED = new UaPosture(false, false);

    /** This posture with the None endpoint offered or not. */
    public UaPosture withNoneEndpoint(boolean on) {
        return new UaPosture(on, anonymous);
    }

    /** This posture with anonymous users taken or not. */
    public UaPosture withAnonymous(boolean on) {
        return new UaPosture(noneEndpoint, on);
    }

    /** Whether it is weaker than {@link #HARDENED}. */
    public boolean weakened() {
        return noneEndpoint || anonymous;
    }
}
