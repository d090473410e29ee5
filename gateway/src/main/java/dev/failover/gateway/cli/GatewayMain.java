package dev.failover.gateway.cli;

import dev.failover.certs.PasswordSource;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code gateway} command line: one picocli command class per subcommand, the usage generated
 * from them. Exit codes ({@link ExitCode}, docs/operations.md): 0 success, 1 operation failed or
 * refused, 2 usage or configuration error, 3 runtime failure. A usage error prints {@code error:
 * MESSAGE} and the command's usage on standard error. With its command classes, the only code of the
 * gateway that writes to standard output. The demo and the benchmarks are the bench's ({@code
 * scripts/bench}).
 */
@Command(
        name = "gateway",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        sortSynopsis = false,
        usageHelpWidth = 100,
        versionProvider = GatewayMain.Version.class,
        description = {
            "The PLC failover gateway: run it, check its configuration, and operate a running gateway.",
            "`gateway COMMAND --help` shows a command's options. Passwords are never arguments."
        },
        subcommands = {
            CommandLine.HelpCommand.class,
            RunCommand.class,
            CheckConfigCommand.class,
            StatusCommand.class,
            SwitchoverCommand.class,
            WriteCommand.class,
            SignCommand.class,
            SubmitCommand.class,
            AuditCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCode.OK + ":success",
            ExitCode.FAILED + ":the operation failed or was refused",
            ExitCode.USAGE + ":usage error or invalid configuration: nothing was done",
            ExitCode.RUNTIME + ":runtime failure: the gateway could not start or be reached, or the identity"
                    + " could not be loaded"
        })
public final class GatewayMain implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private GatewayMain() {}

    public static void main(String[] args) {
        int code = run(Arrays.asList(args), System.out, System.err);
        System.exit(code);
    }

    /** Runs one command and returns its exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, out.charset()), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, err.charset()), true);
        try {
            return commandLine(outWriter, errWriter).execute(args.toArray(String[]::new));
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return new CommandLine(new GatewayMain())
                .setOut(out)
                .setErr(err)
                // An argument that starts with @ is an argument (a reason, a tag), not a file of arguments.
                .setExpandAtFiles(false)
                .setParameterExceptionHandler(GatewayMain::invalidInput)
                .setExecutionExceptionHandler(GatewayMain::failure);
    }

    /** {@code gateway} alone: the usage, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCode.USAGE;
    }

    /** What picocli could not parse; an option that looks like a password is refused as such. */
    private static int invalidInput(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        Optional<String> password = passwordOption(args);
        if (password.isPresent()) {
            return usageError(
                    command,
                    PasswordSource.refusal(
                            password.get(), IdentityOptions.PASSWORD_FILE, IdentityOptions.PASSWORD_ENV));
        }
        if (e instanceof UnmatchedArgumentException unmatched
                && command.getParent() == null
                && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().getFirst().startsWith("-")) {
            command.getErr()
                    .println("error: unknown command '"
                            + unmatched.getUnmatched().getFirst() + "'");
            UnmatchedArgumentException.printSuggestions(unmatched, command.getErr());
            command.usage(command.getErr());
            return ExitCode.USAGE;
        }
        if (e instanceof CommandLine.MissingParameterException) {
            // picocli checks required options before it reports unknown ones; a mistyped option name
            // (--pari for --pair) is the likelier mistake, and the one to name.
            Optional<String> unknown = unknownOption(command, args);
            if (unknown.isPresent()) {
                return usageError(command, "Unknown option: '" + unknown.get() + "'");
            }
        }
        return usageError(command, e.getMessage());
    }

    /** The first long option among {@code args} that {@code command} does not take. */
    private static Optional<String> unknownOption(CommandLine command, String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            String name = optionName(arg);
            if (name.startsWith("--") && command.getCommandSpec().findOption(name) == null) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static String optionName(String arg) {
        int eq = arg.indexOf('=');
        return eq < 0 ? arg : arg.substring(0, eq);
    }

    /**
     * The first option among {@code args} whose name mentions a password and is not one of the two
     * password sources; the arguments after {@code --} are not options.
     */
    static Optional<String> passwordOption(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            String name = optionName(arg);
            if (PasswordSource.looksLikePasswordOption(name)
                    && !name.equals(IdentityOptions.PASSWORD_FILE)
                    && !name.equals(IdentityOptions.PASSWORD_ENV)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** A command that stopped early ({@link CommandFailure}); anything else is a bug, shown with its trace. */
    private static int failure(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        if (e instanceof CommandFailure failure) {
            if (failure.isUsage()) {
                return usageError(command, failure.getMessage());
            }
            failure.reason().ifPresent(reason -> command.getErr().println("error: " + reason));
            return failure.exitCode();
        }
        command.getErr().println("error: unexpected failure: " + e);
        e.printStackTrace(command.getErr());
        return ExitCode.RUNTIME;
    }

    private static int usageError(CommandLine command, String message) {
        command.getErr().println("error: " + message);
        command.usage(command.getErr());
        return ExitCode.USAGE;
    }

    /** {@code gateway --version}: the jar's Implementation-Version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = GatewayMain.class.getPackage().getImplementationVersion();
            return new String[] {"gateway " + (version != null ? version : "(development build, not from a jar)")};
        }
    }
}
