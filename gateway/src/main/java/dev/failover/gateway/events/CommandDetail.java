package dev.failover.gateway.events;

/**
 * Events of signed commands and of tag writes by authenticated users: each decision and each
 * outcome. {@code origin} says where the command came from (the TLS peer, an OPC UA session).
 */
public sealed interface CommandDetail extends EventDetail {

    /** A command passed the guard (signature, chain, revocation, role, freshness, replay). */
    record CommandAccepted(String commandId, String action, String args, String signer, String role, String origin)
            implements CommandDetail {}

    /**
     * A command was refused, with the reason code (docs/security.md). Refusals before the signer is
     * known (too large, malformed, bad signature) are summarised when they repeat; those of a known
     * signer are each an event.
     */
    record CommandRejected(
            String reason, String commandId, String action, String args, String signer, String role, String origin)
            implements CommandDetail, Refusal {}

    /** An accepted command ran; {@code code} is its result code. */
    record CommandDone(String commandId, String action, String signer, String code) implements CommandDetail {}

    /** An accepted command failed on the controller, or was left unfinished by a gateway restart. */
    record CommandFailed(String commandId, String action, String signer, String code) implements CommandDetail {}
}
