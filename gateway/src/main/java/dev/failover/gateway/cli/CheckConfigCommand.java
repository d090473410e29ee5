package dev.failover.gateway.cli;

import dev.failover.gateway.config.ConfigException;
import dev.failover.gateway.config.ConfigLoader;
import dev.failover.gateway.config.GatewayConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gateway check-config}: validates a configuration file and names every problem. */
@Command(
        name = "check-config",
        description = "Validate FILE: exit 0 if it is valid, 2 with every problem (docs/configuration.md).")
final class CheckConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the configuration file")
    Path file;

    @Override
    public Integer call() throws CommandFailure {
        GatewayConfig config = load(file, spec.commandLine().getErr());
        spec.commandLine()
                .getOut()
                .println(config.source() + ": valid, " + config.pairs().size() + " pair(s)");
        return ExitCode.OK;
    }

    /** Loads {@code file}; an invalid one is a configuration error (exit 2) with every problem printed. */
    static GatewayConfig load(Path file, PrintWriter err) throws CommandFailure {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            err.println("error: invalid configuration");
            err.println(e.getMessage());
            throw CommandFailure.reported(ExitCode.USAGE);
        }
    }
}
