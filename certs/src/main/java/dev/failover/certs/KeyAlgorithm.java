package dev.failover.certs;

/** The key pair algorithms the plant PKI issues. */
public enum KeyAlgorithm {
    /** ECDSA on NIST P-256 (secp256r1), signed with SHA256withECDSA. The default. */
    EC_P256("EC", "SHA256withECDSA"),
    /** RSA 2048 bits, signed with SHA256withRSA: what OPC UA (Milo 1.1.2) application certificates need. */
    RSA_2048("RSA", "SHA256withRSA");

    private final String jcaName;
    private final String signatureAlgorithm;

    KeyAlgorithm(String jcaName, String signatureAlgorithm) {
        this.jcaName = jcaName;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The JCA key algorithm name ({@code EC} or {@code RSA}), as {@code Key.getAlgorithm()} reports it. */
    public String jcaName() {
        return jcaName;
    }

    /** The JCA signature algorithm used with keys of this kind. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }
}
