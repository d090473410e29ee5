package dev.failover.gateway.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gateway submit}: a signed envelope (from {@code gateway sign}) to the gateway, and its decision. */
@Command(name = "submit", description = "Submit a signed envelope and print the gateway's decision.")
final class SubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the signed envelope (CMS), as `gateway sign` writes it")
    Path file;

    @Mixin
    ControlEndpoint endpoint = new ControlEndpoint();

    @Mixin
    IdentityOptions.Required identity = new IdentityOptions.Required();

    @Override
    public Integer call() throws CommandFailure {
        OperatorIdentity operator = identity.load(System::getenv, Clock.systemUTC());
        byte[] envelope;
        try {
            envelope = Files.readAllBytes(file);
        } catch (IOException e) {
            throw CommandFailure.usage("cannot read " + file + ": " + e.getMessage());
        }
        return endpoint.submit(
                operator,
                envelope,
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
