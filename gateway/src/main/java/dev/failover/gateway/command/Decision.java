package dev.failover.gateway.command;

/** The command guard's verdict on one envelope. */
public sealed interface Decision {

    /**
     * Every check passed: the command may run.
     *
     * @param signer the signer certificate's subject
     * @param role the signer's role
     */
    record Accepted(Command command, String signer, String role) implements Decision {}

    /**
     * The command is refused; nothing was written.
     *
     * @param signer the signer's subject when the signature was verified, else empty
     * @param commandId the command id when the content could be read, else empty
     */
    record Rejected(RejectReason reason, String detail, String signer, String commandId) implements Decision {}
}
