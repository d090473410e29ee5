package dev.failover.plcsim;

import dev.failover.certs.PkiException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/**
 * The {@code plc-sim} command line: {@code run} starts one controller until SIGTERM/SIGINT, {@code
 * relay} serves a plant file's output-enable relays (a {@link RelayBox}) until SIGTERM/SIGINT, {@code
 * ctl} sends one command to a controller's control port or to a relay box. The only class that writes to standard
 * output. Exit codes: 0 success, 1 failure (or an {@code ERR} answer), 2 usage error.
 *
 * <p>Not thread-safe: one instance serves one command line on the calling thread.
 */
public final class PlcSimMain {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(5);

    private final PrintStream out;
    private final PrintStream err;
    private final UnaryOperator<String> environment;

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

    /** Runs the command; {@code run} returns only if it fails to start or is interrupted. */
    int execute(String[] args) {
        return switch (CliParser.parse(args)) {
            case CliParser.Cli.Help help -> {
                out.println(CliParser.USAGE);
                yield EXIT_OK;
            }
            case CliParser.Cli.Invalid invalid -> {
                err.println("plc-sim: " + invalid.message());
                err.println(CliParser.USAGE);
                yield EXIT_USAGE;
            }
            case CliParser.Cli.Ctl ctl -> ctl(ctl);
            case CliParser.Cli.Run run -> run(run);
            case CliParser.Cli.Relay relay -> relay(relay);
        };
    }

    /** {@code READY relay control=127.0.0.1:5040}: fields are only ever appended. */
    static String relayReadyLine(RelayBox box) {
        return "READY relay control=" + box.bindAddress().getHostAddress() + ":" + box.port();
    }

    private int relay(CliParser.Cli.Relay relay) {
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

    private int ctl(CliParser.Cli.Ctl ctl) {
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

    private int run(CliParser.Cli.Run run) {
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
