package dev.failover.gateway.command;

import dev.failover.gateway.durable.GroupCommit.Durable;

/** The command guard's verdict on one envelope. */
public sealed interface Decision {

    /**
     * Every check passed: the command may run, once {@code remembered} says its id is on disk.
     *
     * @param signer the signer certificate's subject
     * @param role the signer's role
     * @param remembered waits until the replay store holds the command's id durably; the command must
     *     not run before ({@link Durable#DONE} when {@link CommandGuard#check} waited already)
     */
    record Accepted(Command command, String signer, String role, Durable remembered) implements Decision {

        public Accepted(Command command, String signer, String role) {
            this(command, signer, role, Durable.DONE);
        }

        Accepted remembered(Durable when) {
            return new Accepted(command, signer, role, when);
        }
    }

    /**
     * The command is refused; nothing was written.
     *
     * @param signer the signer's subject when the signature was verified, else empty
     * @param commandId the command id when the content could be read, else empty
     */
    record Rejected(RejectReason reason, String detail, String signer, String commandId) implements Decision {}
}
