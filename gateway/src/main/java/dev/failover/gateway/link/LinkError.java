package dev.failover.gateway.link;

/** Why an exchange with a controller failed. */
public enum LinkError {
    /** No answer within the response timeout. */
    TIMEOUT,
    /** The connection could not be opened (refused, unreachable). */
    UNREACHABLE,
    /** The connection broke during the exchange. */
    CONNECTION_LOST,
    /** The answer was malformed or did not match the request. */
    PROTOCOL,
    /** The controller answered with an error (for Modbus, an exception response). */
    REJECTED,
    /** The TLS handshake failed: a certificate was refused, by the peer or by us. */
    SECURITY,
    /** The link is waiting before the next reconnection attempt. */
    BACKING_OFF
}
