package dev.failover.gateway.command;

/**
 * Why the command guard refused a command. The guard checks in a fixed order and reports the first
 * failure (see {@link CommandGuard}); docs/security.md lists every code with an example. Each is a test.
 */
public enum RejectReason {
    /** The envelope exceeds the size limit. */
    OVERSIZED,
    /**
     * The envelope is not in the one accepted form (DER-encoded CMS SignedData, one signer, exactly the
     * signer's certificate, the required signed attributes), the signer's certificate cannot be read,
     * or the content is not a canonical command.
     */
    MALFORMED,
    /**
     * The envelope is well formed but uses a digest, signature or key algorithm outside the allow-list
     * (SHA-256/384/512; ECDSA on P-256 or P-384; RSA PKCS#1 v1.5 with at least 2048 bits), for
     * example a SHA-1 signature.
     */
    UNSUPPORTED_ALGORITHM,
    /** The signature does not verify against the signer's certificate (or the content does not match its digest). */
    BAD_SIGNATURE,
    /**
     * The signer's certificate does not chain to the plant's trust anchor: a foreign CA, or a certificate
     * whose issuer's signature does not verify (a tampered certificate, whatever its dates say).
     */
    UNKNOWN_CA,
    /** The signer's certificate (or one of its issuers) has expired. */
    CERTIFICATE_EXPIRED,
    /** The signer's certificate (or one of its issuers) is not valid yet. */
    CERTIFICATE_NOT_YET_VALID,
    /** The signer's certificate is revoked. */
    REVOKED,
    /** The certificate is not one for signing commands (for example a gateway or controller certificate). */
    WRONG_CERTIFICATE_USAGE,
    /** The revocation status cannot be established (no valid CRL). */
    REVOCATION_UNKNOWN,
    /** The signer's certificate carries no role. */
    NO_ROLE,
    /** The signer's role may not perform this action (or write this tag). */
    ROLE_NOT_PERMITTED,
    /** The command's validity window has passed. */
    EXPIRED_COMMAND,
    /** The command claims to be issued in the future (beyond the allowed clock skew). */
    NOT_YET_VALID_COMMAND,
    /** The command's validity window is longer than the policy allows. */
    WINDOW_TOO_LONG,
    /** A command with this id was accepted before. */
    REPLAYED,
    /** The command names a pair this gateway does not supervise. */
    UNKNOWN_PAIR,
    /** The action is not one the gateway knows. */
    UNKNOWN_ACTION,
    /**
     * The signed command holds a field or an argument the action does not take, or a JSON key twice:
     * nothing the signer wrote is ignored. The detail names it.
     */
    UNKNOWN_ARGUMENT,
    /** The command is for another pair or action than the method it was sent to (OPC UA methods). */
    WRONG_TARGET,
    /** The tag is not in the pair's tag map. */
    UNKNOWN_TAG,
    /** A required argument is missing or of the wrong type (for example a non-numeric value). */
    BAD_ARGUMENT,
    /** The value is outside the tag's bounds. */
    OUT_OF_BOUNDS
}
