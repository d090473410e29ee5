package dev.failover.plcsim;

import dev.failover.certs.PasswordSource;
import dev.failover.certs.PkiException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code plc-sim} command line: {@code run} starts one controller until SIGTERM/SIGINT, {@code
 * relay} serves a plant file's output-enable relays (a {@link RelayBox}) until SIGTERM/SIGINT, {@code
 * ctl} sends one command to a controller's control port or to a relay box; {@code help}, {@code --help}
 * and {@code --version} on each. The only class that writes to standard output. Exit codes: 0 success,
 * 1 failure (or an {@code ERR} answer), 2 usage error ({@code error: <message>} and the usage on
 * standard error).
 *
 * <p>Not thread-safe: one instance serves one command line on the calling thread.
 */
@Command(
        name = "plc-sim",
        mixinStandardHelpOptions = true,
        versionProvider = PlcSimMain.Version.class,
        description = {
            "A simulated PLC: a scan loop over a tank, a Modbus TCP (or Modbus/TCP Security) and OPC UA server,"
                    + " and a fault-injection port. See docs/plc-sim.md.",
            ""
        },
        subcommands = {RunCommand.class, RelayCommand.class, CtlCommand.class, HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success: help, version, a ctl command answered OK",
            "1:failure: run or relay could not start, a ctl command answered ERR or found no control port",
            "2:usage error",
            "143:run or relay stopped by SIGTERM (130: SIGINT), the JVM's exit status"
        })
public final class PlcSimMain implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(5);
    private static final String MISSING_COMMAND = "missing command: 'run', 'relay' or 'ctl'";

    private final PrintStream out;
    private final PrintStream err;
    private final UnaryOperator<String> environment;

    @Spec
    private CommandSpec spec;

    PlcSimMain(PrintStream out, PrintStream err) {
        this(out, err, System::getenv);
    }

    /** With {@code environment} standing for the process environment (key store passwords). */
    PlcSimMain(PrintStream out, PrintStream err, UnaryOperator<String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    public static void main(String[] args) {
        // Our logging config sends logs to stderr so that stdout carries only the READY line.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "plc-sim-logback.xml");
        }
        System.exit(new PlcSimMain(System.out, System.err).execute(args));
    }

    /** Runs the command; {@code run} and {@code relay} return only if they fail to start or are interrupted. */
    int execute(String[] args) {
        return commandLine().execute(args);
    }

    /**
     * What {@code args} ask for, checked but not run: for tests of the options.
     *
     * @throws ParameterException with the usage error's message ({@link #message})
     */
    static Cli parse(String... args) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine line = new PlcSimMain(nowhere, nowhere).commandLine();
        ParseResult parsed = line.parseArgs(args);
        Object command = Optional.ofNullable(parsed.subcommand())
                .map(sub -> sub.commandSpec().userObject())
                .orElse(null);
        return switch (command) {
            case RunCommand run -> run.cli();
            case RelayCommand relay -> relay.cli();
            case CtlCommand ctl -> ctl.cli();
            case null, default -> throw new ParameterException(line, MISSING_COMMAND);
        };
    }

    /** {@code plc-sim} alone names no command: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), MISSING_COMMAND);
    }

    /** The command line, its output on this instance's streams; usage errors exit 2. */
    CommandLine commandLine() {
        CommandLine line = new CommandLine(this)
                .setOut(new PrintWriter(new OutputStreamWriter(out, out.charset()), true))
                .setErr(new PrintWriter(new OutputStreamWriter(err, err.charset()), true))
                // Arguments are taken as given: a word starting with @ (a ctl command's) names no file.
                .setExpandAtFiles(false)
                .setParameterExceptionHandler(PlcSimMain::usageError);
        // From ctl's first word on, every argument is a word of the command, even one that looks like an option.
        line.getSubcommands().get("ctl").setStopAtPositional(true);
        return line;
    }

    /** {@code error: <message>}, then the usage of the command at fault, on standard error: exit 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter usage = command.getErr();
        String message = message(e);
        usage.println("error: " + message);
        if (message.equals(e.getMessage())) {
            UnmatchedArgumentException.printSuggestions(e, usage);
        }
        command.usage(usage);
        return EXIT_USAGE;
    }

    /**
     * The usage error's message. An unknown option that looks like a password is refused as such, and
     * nothing that followed it is echoed: it may be the password itself.
     */
    static String message(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched) {
            for (String arg : unmatched.getUnmatched()) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                String lower = name.toLowerCase(Locale.ROOT);
                if (PasswordSource.looksLikePasswordOption(name)) {
                    return lower.contains("opcua")
                            ? PasswordSource.refusal(
                                    name, "--opcua-keystore-password-file", "--opcua-keystore-password-env")
                            : PasswordSource.refusal(
                                    name, "--tls-keystore-password-file", "--tls-keystore-password-env");
                }
            }
        }
        return e.getMessage();
    }

    /** The version line: the firmware the controller reports in its {@code FIRMWARE_VERSION} registers. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {RegisterMap.FIRMWARE + " (program " + Settings.PROGRAM_VERSION + ")"};
        }
    }

    /** {@code READY relay control=127.0.0.1:5040}: fields are only ever appended. */
    static String relayReadyLine(RelayBox box) {
        return "READY relay control=" + box.bindAddress().getHostAddress() + ":" + box.port();
    }

    /** Serves the relay box until SIGTERM/SIGINT; the {@code relay} subcommand's action. */
    int relay(Cli.Relay relay) {
        Plant plant;
        try {
            plant = Plant.file(relay.plant());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("plc-sim: --plant: " + e.getMessage());
            return EXIT_FAILED;
        }
        RelayBox box;
        try {
            box = RelayBox.start(plant, relay.bind(), relay.port());
        } catch (IOException | RuntimeException e) {
            err.println("plc-sim: cannot start the relay box: " + e.getMessage());
            plant.close();
            return EXIT_FAILED;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            box.close();
                            plant.close();
                        },
                        "relay-shutdown"));
        out.println(relayReadyLine(box));
        out.flush();
        return waitForSignal();
    }

    /** Blocks until SIGTERM/SIGINT: the JVM then runs the shutdown hooks and exits. */
    private static int waitForSignal() {
        try {
            new CountDownLatch(1).await();
            return EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        }
    }

    /** Sends one command line and prints the answer; the {@code ctl} subcommand's action. */
    int ctl(Cli.Ctl ctl) {
        try {
            String answer = ControlClient.send(ctl.host(), ctl.port(), ctl.commandLine(), CTL_TIMEOUT);
            out.println(answer);
            return answer.startsWith("OK") ? EXIT_OK : EXIT_FAILED;
        } catch (IOException e) {
            err.println("plc-sim: cannot reach control port " + ctl.host() + ":" + ctl.port() + ": " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    /**
     * {@code READY name=A modbus=127.0.0.1:5020 control=127.0.0.1:5021 tls=true}, then {@code
     * plain=127.0.0.1:5022} when a plain listener runs beside the TLS port, then {@code
     * opcua=127.0.0.1:4840} when the OPC UA server runs. Fields are only ever
     * appended, so parsers of the older line keep working.
     */
    static String readyLine(SimulatedPlc plc, String name) {
        String host = plc.bindAddress().getHostAddress();
        StringBuilder line = new StringBuilder("READY name=")
                .append(name)
                .append(" modbus=")
                .append(host)
                .append(':')
                .append(plc.modbusPort())
                .append(" control=")
                .append(host)
                .append(':')
                .append(plc.controlPort())
                .append(" tls=")
                .append(plc.tls());
        plc.plainPort()
                .ifPresent(
                        port -> line.append(" plain=").append(host).append(':').append(port));
        plc.opcUaPort()
                .ifPresent(
                        port -> line.append(" opcua=").append(host).append(':').append(port));
        return line.toString();
    }

    /** Runs the controller until SIGTERM/SIGINT; the {@code run} subcommand's action. */
    int run(Cli.Run run) {
        SimConfig config;
        try {
            config = run.tls().isPresent()
                    ? run.config().withTls(TlsSetup.configure(run.tls().get(), environment))
                    : run.config();
        } catch (IOException | PkiException | IllegalArgumentException e) {
            err.println("plc-sim: Modbus/TCP Security: " + e.getMessage());
            return EXIT_FAILED;
        }
        try {
            if (run.opcUa().isPresent()) {
                config = config.withOpcUa(OpcUaSetup.configure(run.opcUa().get(), environment));
            }
        } catch (IOException | PkiException | IllegalArgumentException e) {
            err.println("plc-sim: OPC UA: " + e.getMessage());
            return EXIT_FAILED;
        }
        Plant plant;
        try {
            plant = run.plant().map(Plant::file).orElseGet(Plant::inMemory);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("plc-sim: --plant: " + e.getMessage());
            return EXIT_FAILED;
        }
        SimulatedPlc plc;
        try {
            plc = SimulatedPlc.start(config, plant);
        } catch (IOException | RuntimeException e) {
            err.println("plc-sim: cannot start " + config.name() + ": " + e.getMessage());
            plant.close();
            return EXIT_FAILED;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            plc.close();
                            plant.close();
                        },
                        "plc-" + config.name() + "-shutdown"));
        out.println(readyLine(plc, config.name()));
        out.flush();
        return waitForSignal();
    }
}
