package dev.failover.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.control.ControlCallException;
import dev.failover.gateway.control.GatewayClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Base64;
import picocli.CommandLine.Option;

/**
 * The {@code --control HOST:PORT} option (a picocli mixin) and the calls to the control endpoint it
 * names: a call that gets no answer, or a refusal, is reported as {@link ControlErrors} words it.
 */
final class ControlEndpoint {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    @Option(
            names = "--control",
            paramLabel = "HOST:PORT",
            defaultValue = ControlAddress.DEFAULT,
            converter = ControlAddress.Converter.class,
            description = "the gateway's control endpoint (default: ${DEFAULT-VALUE})")
    ControlAddress control;

    /**
     * Sends one request and returns the answer.
     *
     * @param operator the identity to call with (TLS), or {@code null} for a gateway without TLS
     * @throws CommandFailure when nothing answered or the call was refused, printed on {@code err}
     */
    JsonNode call(OperatorIdentity operator, JsonNode request, PrintWriter err) throws CommandFailure {
        try {
            return GatewayClient.call(
                    operator == null ? null : operator.tls(), control.host(), control.port(), request, CALL_TIMEOUT);
        } catch (ControlCallException e) {
            throw CommandFailure.reported(ControlErrors.report(control, e, operator, err));
        }
    }

    /** Submits a signed envelope, prints the gateway's decision, and returns the exit code. */
    int submit(OperatorIdentity operator, byte[] envelope, PrintWriter out, PrintWriter err) throws CommandFailure {
        ObjectNode request = new ObjectMapper().createObjectNode().put("op", "submit");
        request.put("envelope", Base64.getEncoder().encodeToString(envelope));
        JsonNode answer = call(operator, request, err);
        if (answer.has("outcome")) {
            out.println(StatusText.commandResult(answer) + " (command "
                    + answer.path("commandId").asText() + ")");
        } else {
            ControlErrors.printError(answer, err);
        }
        return answer.path("ok").asBoolean() ? ExitCode.OK : ExitCode.FAILED;
    }
}
