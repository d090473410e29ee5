package dev.failover.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failover.certs.VerificationResult;
import dev.failover.gateway.control.ControlCallException;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * How the CLI reports a call to the control endpoint that got no answer, or a refusal answer: a
 * refusal as a refusal with its reason, "cannot reach" only when nothing answered (docs/operations.md,
 * exit codes).
 */
final class ControlErrors {

    private ControlErrors() {}

    /**
     * Prints why the call to {@code control} failed and returns the exit code: {@link ExitCode#FAILED}
     * for a refusal (by the gateway, or of the gateway's certificate), {@link ExitCode#RUNTIME} when
     * nothing answered or the connection ended early.
     *
     * @param operator the identity the call was made with, or {@code null}: used to tell why the
     *     gateway refused its certificate
     */
    static int report(ControlAddress control, ControlCallException e, OperatorIdentity operator, PrintWriter err) {
        switch (e.failure()) {
            case UNREACHABLE -> {
                err.println("error: cannot reach the gateway at " + control + ": " + e.getMessage()
                        + " (is it running? see --control)");
                return ExitCode.RUNTIME;
            }
            case REFUSED -> {
                err.println("error: the gateway at " + control + " refused the connection: " + refusal(e, operator));
                return ExitCode.FAILED;
            }
            case GATEWAY_UNTRUSTED -> {
                err.println("error: refused the gateway at " + control + ": " + e.getMessage()
                        + " (check --pki: the plant's ca-chain.pem and crl.pem)");
                return ExitCode.FAILED;
            }
            case NO_ANSWER -> {
                err.println("error: no answer from the gateway at " + control + ": " + e.getMessage());
                return ExitCode.RUNTIME;
            }
        }
        throw new IllegalStateException("unknown failure " + e.failure());
    }

    /**
     * Prints a refusal answer (a {@code code} without an {@code outcome}: the request was refused before
     * it was looked at) or an error answer; returns whether it was a refusal.
     */
    static boolean printError(JsonNode answer, PrintWriter err) {
        boolean refused = answer.hasNonNull("code") && !answer.has("outcome");
        err.println((refused ? "error: the gateway refused the request: " : "error: ")
                + answer.path("error").asText());
        return refused;
    }

    /** The refusal in words; for a refused certificate, what is wrong with it as far as this side can tell. */
    private static String refusal(ControlCallException e, OperatorIdentity operator) {
        if (!e.refusedCertificate() || operator == null) {
            return e.getMessage();
        }
        String alert = ControlCallException.words(e.alert().orElseThrow());
        Optional<VerificationResult.Rejected> problem = operator.ownCertificateProblem();
        if (problem.isEmpty()) {
            return "its TLS handshake failed: " + alert + " (this operator certificate is valid under --pki, so the"
                    + " gateway's CA, CRL or clock differ; its CONTROL_REFUSED event names the reason)";
        }
        String why = switch (problem.get().reason()) {
            case UNKNOWN_CA -> "the gateway does not trust this operator certificate's CA";
            case REVOKED -> "this operator certificate is revoked";
            case EXPIRED -> "this operator certificate has expired";
            case NOT_YET_VALID -> "this operator certificate is not valid yet";
            case WRONG_USAGE -> "this is not an operator certificate for TLS clients";
            default -> "this operator certificate is refused: " + problem.get().reason();
        };
        return "its TLS handshake failed: " + alert + " (" + why + "; "
                + problem.get().detail() + ")";
    }
}
