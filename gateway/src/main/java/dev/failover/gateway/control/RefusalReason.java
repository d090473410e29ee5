package dev.failover.gateway.control;

/**
 * Why the control endpoint refused a connection or a request: the {@code reason} of a {@code
 * CONTROL_REFUSED} event, and the {@code code} of a refusal answer where one can be given. The
 * table with examples is in docs/security.md.
 */
public enum RefusalReason {
    /** The client presented no certificate. */
    NO_CERTIFICATE,
    /** The client's certificate does not chain to the plant root (a foreign CA). */
    UNKNOWN_CA,
    /** The client's certificate (or a CA of its chain) has expired. */
    EXPIRED,
    /** The client's certificate is not valid yet. */
    NOT_YET_VALID,
    /** The client's certificate is on the plant CRL. */
    REVOKED,
    /** No current CRL covers the client's certificate (missing or outdated CRL file on the gateway). */
    REVOCATION_UNKNOWN,
    /** A signature in the client's chain does not verify (a tampered certificate, a look-alike CA). */
    BAD_SIGNATURE,
    /** The certificate is not one for a TLS client (key usage, extended key usage, or a CA). */
    WRONG_USAGE,
    /** The certificate cannot be used at all (malformed, or another PKIX failure: the detail says). */
    BAD_CERTIFICATE,
    /** Not a TLS 1.2/1.3 handshake: plain text, an old protocol version, no common cipher suite. */
    PROTOCOL,
    /** The client ended the handshake itself (it closed, or refused the gateway's certificate). */
    PEER_ABORTED,
    /** The client connected and closed again without sending a byte. */
    NO_HANDSHAKE,
    /**
     * Nothing came within {@code gateway.control.handshakeTimeout}, or the handshake did not complete
     * within 10 s of accept.
     */
    HANDSHAKE_TIMEOUT,
    /** A pending connection closed to admit a newer one: too many unauthenticated connections at once. */
    ADMISSION_LIMIT,
    /** Every authenticated slot was taken: an authenticated client was answered "busy". */
    BUSY,
    /** The request line was longer than the limit: answered with its size and the limit. */
    OVERSIZED,
    /** An authenticated client sent no complete request within the request deadline. */
    REQUEST_TIMEOUT
}
