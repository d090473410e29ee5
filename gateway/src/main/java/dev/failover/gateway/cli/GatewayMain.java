package dev.failover.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.Gateway;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.ConfigException;
import dev.failover.gateway.config.ConfigLoader;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.control.ControlCallException;
import dev.failover.gateway.control.GatewayClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code gateway} command line. Exit codes: 0 success, 1 operation failed or refused, 2 usage
 * or configuration error, 3 runtime failure (see {@link ExitCode}). The only class that writes to
 * standard output. The demo and the benchmarks are the bench's ({@code scripts/bench}).
 */
public final class GatewayMain {

    private static final String USAGE = """
            usage: gateway <command> [options]

            commands:
              run --config FILE                 supervise the pairs of FILE until stopped (Ctrl-C)
              check-config FILE                 validate FILE; exit 0 if valid, 2 with the problems
              status [--control HOST:PORT] [--json] [IDENTITY]
                                                show a running gateway's pairs (default 127.0.0.1:7410)
              switchover --pair NAME [--reason TEXT] [--control HOST:PORT] IDENTITY
                                                sign and submit a planned switchover to the standby
              write --pair NAME --tag TAG --value NUMBER [--control HOST:PORT] IDENTITY
                                                sign and submit a tag write (runs on the active controller)
              sign --pair NAME --action ACTION [--arg KEY=VALUE]... --out FILE IDENTITY
                                                sign a command into FILE (CMS envelope), for any transport
              submit FILE [--control HOST:PORT] IDENTITY
                                                submit a signed envelope and print the gateway's decision

            IDENTITY: --identity OPERATOR.p12 --pki PKI_DIR (ca-chain.pem, crl.pem), and the keystore
                      password from --identity-password-file FILE or the environment variable given by
                      --identity-password-env (default OPERATOR_KEYSTORE_PASSWORD); never an argument
            """;

    private GatewayMain() {}

    public static void main(String[] args) {
        int code = run(Arrays.asList(args), System.out, System.err);
        System.exit(code);
    }

    /** Runs one command and returns its exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.getFirst().equals("help") || args.getFirst().equals("--help")) {
            out.print(USAGE);
            return args.isEmpty() ? ExitCode.USAGE : ExitCode.OK;
        }
        String command = args.getFirst();
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (command) {
                case "run" -> runGateway(Args.parse(rest, Set.of("config"), Set.of()), out, err);
                case "check-config" -> checkConfig(Args.parse(rest, Set.of(), Set.of()), out, err);
                case "status" -> status(Args.parse(rest, with(IDENTITY, "control", "pair"), Set.of("json")), out, err);
                case "switchover" ->
                    signed(
                            Args.parse(rest, with(IDENTITY, "control", "pair", "reason"), Set.of()),
                            "switchover",
                            out,
                            err);
                case "write" ->
                    signed(
                            Args.parse(rest, with(IDENTITY, "control", "pair", "tag", "value"), Set.of()),
                            "write",
                            out,
                            err);
                case "sign" -> sign(Args.parse(rest, with(IDENTITY, "pair", "action", "arg", "out"), Set.of()), out);
                case "submit" -> submitFile(Args.parse(rest, with(IDENTITY, "control"), Set.of()), out, err);
                default -> throw new Args.UsageException("unknown command '" + command + "'");
            };
        } catch (Args.UsageException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return ExitCode.USAGE;
        }
    }

    private static int runGateway(Args args, PrintStream out, PrintStream err) throws Args.UsageException {
        GatewayConfig config = load(Path.of(args.require("config")), err);
        if (config == null) {
            return ExitCode.USAGE;
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(config, Ticker.system(), Clock.systemUTC(), null);
        } catch (IOException | RuntimeException e) {
            err.println("error: the gateway could not start: " + e.getMessage());
            return ExitCode.RUNTIME;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }));
        out.println("gateway " + config.name() + " running; control endpoint " + config.controlHost() + ":"
                + gateway.controlPort() + " (Ctrl-C to stop)");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.OK;
    }

    private static int checkConfig(Args args, PrintStream out, PrintStream err) throws Args.UsageException {
        if (args.positionals().size() != 1) {
            throw new Args.UsageException("check-config takes one FILE");
        }
        GatewayConfig config = load(Path.of(args.positionals().getFirst()), err);
        if (config == null) {
            return ExitCode.USAGE;
        }
        out.println(config.source() + ": valid, " + config.pairs().size() + " pair(s)");
        return ExitCode.OK;
    }

    static GatewayConfig load(Path file, PrintStream err) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            err.println("error: invalid configuration");
            err.println(e.getMessage());
            return null;
        }
    }

    private static final Set<String> IDENTITY =
            Set.of("identity", "pki", "identity-password-file", "identity-password-env");

    private static Set<String> with(Set<String> base, String... more) {
        Set<String> all = new java.util.HashSet<>(base);
        all.addAll(List.of(more));
        return all;
    }

    private static int status(Args args, PrintStream out, PrintStream err) throws Args.UsageException {
        ObjectNode request = new ObjectMapper().createObjectNode().put("op", "status");
        request.put("pair", args.get("pair", ""));
        JsonNode answer;
        try {
            answer = call(args, request, err);
        } catch (NoAnswer e) {
            return e.exitCode;
        }
        if (answer == null) {
            return ExitCode.RUNTIME;
        }
        if (args.flag("json")) {
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

    /** {@code switchover} and {@code write}: sign a command with the operator's identity and submit it. */
    private static int signed(Args args, String what, PrintStream out, PrintStream err) throws Args.UsageException {
        String pair = args.require("pair");
        OperatorIdentity operator = identity(args, err);
        if (operator == null) {
            return ExitCode.RUNTIME;
        }
        byte[] envelope = what.equals("write")
                ? operator.sign(
                        pair,
                        CommandAction.WRITE_TAG,
                        Map.of("tag", args.require("tag"), "value", number("--value", args.require("value"))))
                : operator.sign(
                        pair,
                        CommandAction.SWITCHOVER,
                        Map.of("reason", args.get("reason", "planned switchover from the command line")));
        return submit(args, operator, envelope, out, err);
    }

    private static int sign(Args args, PrintStream out) throws Args.UsageException {
        String actionName = args.require("action");
        CommandAction action = CommandAction.fromWire(actionName)
                .orElseThrow(() -> new Args.UsageException(
                        "unknown action '" + actionName + "'; use write-tag, switchover or start-drill"));
        Map<String, Object> commandArgs = signedArgs(action, args.all("arg"));
        OperatorIdentity operator = identity(args, System.err);
        if (operator == null) {
            return ExitCode.RUNTIME;
        }
        Path file = Path.of(args.require("out"));
        try {
            Files.write(file, operator.sign(args.require("pair"), action, commandArgs));
        } catch (IOException e) {
            throw new Args.UsageException("cannot write " + file + ": " + e.getMessage());
        }
        out.println("signed " + action.wireName() + " for " + args.require("pair") + " into " + file + " (valid "
                + OperatorIdentity.VALIDITY.toSeconds() + " s)");
        return ExitCode.OK;
    }

    private static int submitFile(Args args, PrintStream out, PrintStream err) throws Args.UsageException {
        if (args.positionals().size() != 1) {
            throw new Args.UsageException("submit takes one FILE (a signed envelope)");
        }
        OperatorIdentity operator = identity(args, err);
        if (operator == null) {
            return ExitCode.RUNTIME;
        }
        byte[] envelope;
        try {
            envelope = Files.readAllBytes(Path.of(args.positionals().getFirst()));
        } catch (IOException e) {
            throw new Args.UsageException("cannot read " + args.positionals().getFirst() + ": " + e.getMessage());
        }
        return submit(args, operator, envelope, out, err);
    }

    private static int submit(Args args, OperatorIdentity operator, byte[] envelope, PrintStream out, PrintStream err)
            throws Args.UsageException {
        ObjectNode request = new ObjectMapper().createObjectNode().put("op", "submit");
        request.put("envelope", Base64.getEncoder().encodeToString(envelope));
        JsonNode answer;
        try {
            answer = call(args, operator, request, err);
        } catch (NoAnswer e) {
            return e.exitCode;
        }
        if (answer.has("outcome")) {
            out.println(StatusText.commandResult(answer) + " (command "
                    + answer.path("commandId").asText() + ")");
        } else {
            ControlErrors.printError(answer, err);
        }
        return answer.path("ok").asBoolean() ? ExitCode.OK : ExitCode.FAILED;
    }

    private static OperatorIdentity identity(Args args, PrintStream err) throws Args.UsageException {
        try {
            return OperatorIdentity.load(args, Clock.systemUTC());
        } catch (IOException e) {
            err.println("error: cannot load the operator identity: " + e.getMessage());
            return null;
        }
    }

    /**
     * The arguments of {@code sign}'s {@code --arg KEY=VALUE} options. A write-tag needs {@code tag} and
     * a {@code value} that is a finite number: every tag type is numeric, and the gateway would refuse
     * anything else, after the command had used up its id. Other values that look like decimal numbers
     * are signed as numbers, the rest as text.
     */
    static Map<String, Object> signedArgs(CommandAction action, List<String> options) throws Args.UsageException {
        Map<String, Object> commandArgs = new java.util.TreeMap<>();
        for (String kv : options) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new Args.UsageException("--arg must be KEY=VALUE, got '" + kv + "'");
            }
            String key = kv.substring(0, eq);
            String value = kv.substring(eq + 1);
            if (action == CommandAction.WRITE_TAG && key.equals("value")) {
                commandArgs.put(key, number("--arg value", value));
            } else {
                commandArgs.put(key, value.matches("-?\\d+(\\.\\d+)?") ? number("--arg " + key, value) : value);
            }
        }
        if (action == CommandAction.WRITE_TAG
                && !(commandArgs.containsKey("tag") && commandArgs.containsKey("value"))) {
            throw new Args.UsageException("write-tag needs --arg tag=NAME and --arg value=NUMBER");
        }
        return commandArgs;
    }

    /** Decimal digits with an optional sign, fraction and exponent: what JSON can carry as a number. */
    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    /**
     * A tag value: a whole number as a long, any other finite decimal as a double. NaN, Infinity, hex
     * and text are refused (Double.parseDouble takes them all), as is a number too large for a double.
     *
     * @param option the option, for the message, e.g. "--value"
     */
    static Number number(String option, String text) throws Args.UsageException {
        if (!DECIMAL.matcher(text).matches()) {
            throw new Args.UsageException(option + " must be a decimal number such as 55.5, -40 or 1e3, got '" + text
                    + "': every tag type is numeric, so NaN, Infinity and text are refused");
        }
        if (text.matches("[-+]?[0-9]+")) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException beyondLong) {
                // a double below, or refused as too large
            }
        }
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            throw new Args.UsageException(option + " '" + text + "' is beyond the range of a number (about 1.8e308)");
        }
        return value;
    }

    /** A call to the control endpoint got no answer; why was printed. */
    private static final class NoAnswer extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        NoAnswer(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }
    }

    private static JsonNode call(Args args, JsonNode request, PrintStream err) throws Args.UsageException, NoAnswer {
        OperatorIdentity operator = null;
        if (args.get("identity", null) != null) {
            operator = identity(args, err);
            if (operator == null) {
                return null;
            }
        }
        return call(args, operator, request, err);
    }

    private static JsonNode call(Args args, OperatorIdentity operator, JsonNode request, PrintStream err)
            throws Args.UsageException, NoAnswer {
        String control = args.get("control", "127.0.0.1:7410");
        int colon = control.lastIndexOf(':');
        if (colon <= 0) {
            throw new Args.UsageException("--control must be HOST:PORT, got '" + control + "'");
        }
        String host = control.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(control.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--control must be HOST:PORT, got '" + control + "'");
        }
        try {
            return GatewayClient.call(
                    operator == null ? null : operator.tls(), host, port, request, Duration.ofSeconds(30));
        } catch (ControlCallException e) {
            throw new NoAnswer(ControlErrors.report(control, e, operator, err));
        }
    }
}
