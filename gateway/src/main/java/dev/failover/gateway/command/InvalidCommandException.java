package dev.failover.gateway.command;

/** Signed content that is not a valid command; carries the reason code to report. */
public final class InvalidCommandException extends IllegalArgumentException {

    private final RejectReason reason;

    public InvalidCommandException(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
