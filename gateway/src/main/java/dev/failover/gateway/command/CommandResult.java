package dev.failover.gateway.command;

/**
 * What the submitter of a signed command is told.
 *
 * @param commandId the command's id, empty when the envelope could not be read
 * @param outcome rejected by the guard (nothing written), done, or failed on the controller
 * @param code the reject reason, or {@code DONE} / the failure's short code
 * @param detail a sentence for people
 */
public record CommandResult(String commandId, Outcome outcome, String code, String detail) {

    /** How a submitted command ended. */
    public enum Outcome {
        REJECTED,
        DONE,
        FAILED
    }
}
