package dev.failover.gateway.cli;

import dev.failover.gateway.config.CommandAction;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gateway write}: a tag write, signed by the operator, run on the active controller. */
@Command(
        name = "write",
        description = {
            "Sign and submit a tag write; it runs on the active controller.",
            "NUMBER is a decimal number (55.5, -40, 1e3): NaN, Infinity, hex and text are refused."
        })
final class WriteCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pair", required = true, paramLabel = "NAME", description = "the pair")
    String pair;

    @Option(
            names = "--tag",
            required = true,
            paramLabel = "TAG",
            description = "the tag, as the configuration names it")
    String tag;

    @Option(names = "--value", required = true, paramLabel = "NUMBER", description = "the value, in the tag's unit")
    String value;

    @Mixin
    ControlEndpoint endpoint = new ControlEndpoint();

    @Mixin
    IdentityOptions.Required identity = new IdentityOptions.Required();

    @Override
    public Integer call() throws CommandFailure {
        Number number = TagValues.number("--value", value);
        OperatorIdentity operator = identity.load(System::getenv, Clock.systemUTC());
        byte[] envelope = operator.sign(pair, CommandAction.WRITE_TAG, Map.of("tag", tag, "value", number));
        return endpoint.submit(
                operator,
                envelope,
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
