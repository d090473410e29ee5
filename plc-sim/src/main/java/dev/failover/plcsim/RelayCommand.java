package dev.failover.plcsim;

import static dev.failover.plcsim.CliOptions.MAX_PORT;
import static dev.failover.plcsim.CliOptions.within;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code plc-sim relay}: the relay box's options, checked into a {@link Cli.Relay}. One instance per parse. */
@Command(
        name = "relay",
        mixinStandardHelpOptions = true,
        versionProvider = PlcSimMain.Version.class,
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "Runs the relay box of a plant file until SIGTERM or SIGINT.",
            "It switches the controllers' output-enable relays held in the plant file; its commands (sent with"
                    + " plc-sim ctl): output-enable NAME on|off [deadline=EPOCH_MS], status [NAME]. When it listens,"
                    + " it prints one line on standard output:",
            "  READY relay control=127.0.0.1:5040",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "1:the relay box could not start (plant file, port in use)",
            "2:usage error",
            "143:stopped by SIGTERM (130: SIGINT), the JVM's exit status"
        })
final class RelayCommand implements Callable<Integer> {

    @ParentCommand
    private PlcSimMain main;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--plant",
            required = true,
            paramLabel = "FILE",
            description = "the plant file whose relays it switches")
    private Path plant;

    @Option(
            names = "--control-port",
            paramLabel = "N",
            description = "port of its line protocol, 0-65535, 0 = any free port (default: ${DEFAULT-VALUE})")
    private int controlPort = 0;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "address it binds (default: ${DEFAULT-VALUE})")
    private String bind = "127.0.0.1";

    @Override
    public Integer call() {
        return main.relay(cli());
    }

    /** The relay box these options describe; a {@link ParameterException} names a bad option. */
    Cli.Relay cli() {
        within(spec, "--control-port", controlPort, 0, MAX_PORT);
        if (bind.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--bind needs an address, e.g. 127.0.0.1");
        }
        return new Cli.Relay(plant, bind, controlPort);
    }
}
