package dev.failover.gateway.cli;

import dev.failover.gateway.Gateway;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gateway run}: supervises the pairs of a configuration until the process is stopped. */
@Command(
        name = "run",
        description = {
            "Validate FILE and supervise its pairs until stopped (SIGTERM, Ctrl-C).",
            "Prints the control endpoint once the gateway runs."
        })
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the configuration file")
    Path config;

    @Override
    public Integer call() throws CommandFailure {
        PrintWriter out = spec.commandLine().getOut();
        GatewayConfig loaded =
                CheckConfigCommand.load(config, spec.commandLine().getErr());
        Gateway gateway;
        try {
            gateway = Gateway.start(loaded, Ticker.system(), Clock.systemUTC(), null);
        } catch (IOException | RuntimeException e) {
            throw CommandFailure.of(ExitCode.RUNTIME, "the gateway could not start: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }));
        out.println("gateway " + loaded.name() + " running; control endpoint " + loaded.controlHost() + ":"
                + gateway.controlPort() + " (Ctrl-C to stop)");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.OK;
    }
}
