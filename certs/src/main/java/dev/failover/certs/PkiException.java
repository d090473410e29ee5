package dev.failover.certs;

import java.util.Objects;

/**
 * A PKI operation that could not be done, with a reason code a caller can act on and a message that
 * names the file, certificate or option at fault. The cause, when there is one, is kept.
 */
public final class PkiException extends Exception {

    /** Why a PKI operation failed. */
    public enum Reason {
        /** {@code create} was pointed at a directory that already holds a PKI. */
        ALREADY_EXISTS,
        /** A file the PKI needs (CA key store, index, certificate) is missing. */
        MISSING_FILE,
        /** A key store's password is wrong. */
        WRONG_PASSWORD,
        /** A file exists but cannot be parsed, or its content contradicts the rest of the PKI. */
        CORRUPT,
        /** A certificate request is invalid (missing role, bad name, EC key for OPC UA...). */
        INVALID_REQUEST,
        /** A certificate with this name is already issued and not revoked. */
        NAME_IN_USE,
        /** No certificate with this serial number was issued by this PKI. */
        UNKNOWN_SERIAL,
        /** The certificate is already revoked. */
        ALREADY_REVOKED,
        /** Another process is changing the PKI at the same moment. */
        BUSY,
        /** Reading or writing a file failed. */
        IO,
        /** The JDK or BouncyCastle refused a cryptographic operation. */
        CRYPTO
    }

    private final Reason reason;

    public PkiException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason);
    }

    public PkiException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason);
    }

    /** The reason code. */
    public Reason reason() {
        return reason;
    }
}
