package dev.failover.gateway.command;

/** Why the command guard refused a command. Each is a test (docs/security.md lists them). */
public enum RejectReason {
    /** The envelope exceeds the size limit. */
    OVERSIZED,
    /** Not a single-signer CMS SignedData with its certificate, or content that is not a canonical command. */
    MALFORMED,
    /** The signature does not verify against the signer's certificate. */
    BAD_SIGNATURE,
    /** The signer's certificate does not chain to the plant's trust anchor. */
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
    /** The command is for another pair or action than the method it was sent to (OPC UA methods). */
    WRONG_TARGET,
    /** The tag is not in the pair's tag map. */
    UNKNOWN_TAG,
    /** An argument is missing or of the wrong type. */
    BAD_ARGUMENT,
    /** The value is outside the tag's bounds. */
    OUT_OF_BOUNDS
}
