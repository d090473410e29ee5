package dev.failover.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gateway status}: a running gateway's pairs, as lines for people or as its JSON. */
@Command(
        name = "status",
        description = {
            "Show a running gateway's pairs, its pauses and what its doors refused.",
            "An installed gateway serves TLS only: give the operator's identity."
        })
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ControlEndpoint endpoint = new ControlEndpoint();

    @Option(names = "--pair", paramLabel = "NAME", description = "only this pair")
    String pair = "";

    @Option(names = "--json", description = "print the gateway's answer as JSON")
    boolean json;

    @Mixin
    IdentityOptions.IfGiven identity = new IdentityOptions.IfGiven();

    @Override
    public Integer call() throws CommandFailure {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OperatorIdentity operator = identity.given() ? identity.load(System::getenv, Clock.systemUTC()) : null;
        ObjectNode request = new ObjectMapper().createObjectNode().put("op", "status");
        request.put("pair", pair);
        JsonNode answer = endpoint.call(operator, request, err);
        if (json) {
            out.println(answer.toPrettyString());
        } else if (answer.path("ok").asBoolean()) {
            answer.path("pairs").forEach(p -> out.print(StatusText.render(p)));
            if (answer.has("gateway")) {
                out.println(StatusText.gateway(answer.path("gateway")));
            }
            StatusText.refusals(answer.path("doors")).ifPresent(out::println);
        } else {
            ControlErrors.printError(answer, err);
        }
        return answer.path("ok").asBoolean() ? ExitCode.OK : ExitCode.FAILED;
    }
}
