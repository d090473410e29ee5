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

/** {@code gateway switchover}: a planned switchover to the standby, signed by the operator. */
@Command(
        name = "switchover",
        description = {
            "Sign and submit a planned switchover to the standby; wait for the result.",
            "Exit 0 when it is done, 1 with the reason when it is refused or fails."
        })
final class SwitchoverCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pair", required = true, paramLabel = "NAME", description = "the pair to switch over")
    String pair;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the event log (default: ${DEFAULT-VALUE})")
    String reason = "planned switchover from the command line";

    @Mixin
    ControlEndpoint endpoint = new ControlEndpoint();

    @Mixin
    IdentityOptions.Required identity = new IdentityOptions.Required();

    @Override
    public Integer call() throws CommandFailure {
        OperatorIdentity operator = identity.load(System::getenv, Clock.systemUTC());
        byte[] envelope = operator.sign(pair, CommandAction.SWITCHOVER, Map.of("reason", reason));
        return endpoint.submit(
                operator,
                envelope,
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
