package dev.failover.plcsim;

import static dev.failover.plcsim.CliOptions.MAX_PORT;
import static dev.failover.plcsim.CliOptions.within;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code plc-sim ctl}: one command line for a control port, checked into a {@link Cli.Ctl}. Options come
 * first: from the first word on, every argument is a word of the command ({@link PlcSimMain} parses
 * this subcommand with stop-at-positional). One instance per parse.
 */
@Command(
        name = "ctl",
        mixinStandardHelpOptions = true,
        versionProvider = PlcSimMain.Version.class,
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "Sends one command to a controller's control port or to a relay box and prints the answer.",
            "Controller commands: crash, hang, freeze-heartbeat, fault, slow MS, drop, drop once, lose N, stall MS,"
                    + " corrupt, corrupt-setpoints, clear, output-enable on|off, partner-link cut|restore, status.",
            "Relay box commands: output-enable NAME on|off [deadline=EPOCH_MS], status [NAME].",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the answer starts with OK",
            "1:the answer is an ERR, or the control port could not be reached",
            "2:usage error"
        })
final class CtlCommand implements Callable<Integer> {

    @ParentCommand
    private PlcSimMain main;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--port",
            required = true,
            paramLabel = "N",
            description = "the control port, 1-65535: a controller's --control-port or the relay box's")
    private int port;

    @Option(names = "--host", paramLabel = "HOST", description = "host of the control port (default: ${DEFAULT-VALUE})")
    private String host = "127.0.0.1";

    @Parameters(
            arity = "1..*",
            paramLabel = "WORD",
            description = "the command, sent as one line: its words joined by single spaces")
    private List<String> words;

    @Override
    public Integer call() {
        return main.ctl(cli());
    }

    /** The command these arguments describe; a usage error names a bad option. */
    Cli.Ctl cli() {
        return new Cli.Ctl(host, within(spec, "--port", port, 1, MAX_PORT), String.join(" ", words));
    }
}
