package dev.failover.certs;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ScopeType;

/**
 * The {@code certs} command line: create the plant PKI, issue, list and revoke certificates, publish
 * the CRL (docs/pki.md). Passwords come from files or environment variables only; an option that
 * looks like a password is refused before anything runs. Exit codes: 0 done, 1 failed, 2 usage
 * error.
 */
@Command(
        name = "certs",
        // Help, version, option order and the exit codes hold for every subcommand too.
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        version = CertsMain.VERSION,
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "The plant PKI: create the CA, issue, list and revoke certificates, publish the CRL (docs/pki.md).",
            "Run `certs COMMAND --help` for the options of a command."
        },
        subcommands = {
            HelpCommand.class,
            CertsCommands.Init.class,
            CertsCommands.Issue.class,
            CertsCommands.ListCertificates.class,
            CertsCommands.Revoke.class,
            CertsCommands.Crl.class
        },
        exitCodeListHeading = CertsMain.EXIT_CODES,
        exitCodeList = {CertsMain.EXIT_OK, CertsMain.EXIT_FAILED, CertsMain.EXIT_USAGE},
        footerHeading = "%nPasswords are never command-line arguments:%n",
        footer = {
            "  CA password (init, issue, revoke, crl):",
            "    --password-file FILE or --password-env VAR (default: " + CertsOptions.DEFAULT_PASSWORD_ENV + ")",
            "  key store password (issue):",
            "    --keystore-password-file FILE or --keystore-password-env VAR",
            "    (default: " + CertsOptions.DEFAULT_KEYSTORE_PASSWORD_ENV + ")",
            "  A password file holds the password on its first line.",
            "  Passwords need 8 characters or more."
        })
public final class CertsMain {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String VERSION = "certs 0.1.0";

    // The exit codes as every command's help lists them (docs/pki.md, "Command reference").
    static final String EXIT_CODES = "%nExit codes:%n";
    static final String EXIT_OK = OK + ":done";
    static final String EXIT_FAILED =
            FAILED + ":failed (wrong password, missing file, name already in use, unknown serial...)";
    static final String EXIT_USAGE =
            USAGE + ":usage error (unknown option, missing role, password given as an argument...)";

    /** The options that name where a password is; any other option that looks like a password is refused. */
    private static final Set<String> PASSWORD_SOURCES =
            Set.of("--password-file", "--password-env", "--keystore-password-file", "--keystore-password-env");

    private final Map<String, String> env;

    private CertsMain(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs one command; returns the exit code. {@code env} stands for the process environment. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, out.charset()), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, err.charset()), true);
        try {
            CommandLine commandLine = commandLine(env).setOut(outWriter).setErr(errWriter);
            Optional<String> password = passwordArgument(args);
            if (password.isPresent()) {
                // Checked before parsing: the refusal must win over any other error, and the value
                // after the option must never be echoed back in an "unknown option" message.
                CommandLine command =
                        args.length > 0 ? commandLine.getSubcommands().getOrDefault(args[0], commandLine) : commandLine;
                return usageError(command, passwordRefusal(password.get()));
            }
            return commandLine.execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** The command line: usage errors exit 2, failures 1. */
    static CommandLine commandLine(Map<String, String> env) {
        return new CommandLine(new CertsMain(env))
                // "@file" is an ordinary value here (a role or a name), never a file of arguments.
                .setExpandAtFiles(false)
                .setParameterExceptionHandler((e, args) -> usageError(e.getCommandLine(), e.getMessage()))
                .setExecutionExceptionHandler((e, command, parsed) -> failure(e, command));
    }

    Map<String, String> env() {
        return env;
    }

    /**
     * The exit code of a subcommand's exception: a PKI failure or an unreadable password file fails
     * (1); a request the PKI refuses as invalid, or an invalid value, is a usage error (2).
     */
    private static int failure(Exception e, CommandLine command) throws Exception {
        if ((e instanceof PkiException pki && pki.reason() == PkiException.Reason.INVALID_REQUEST)
                || e instanceof IllegalArgumentException) {
            return usageError(command, e.getMessage());
        }
        if (e instanceof PkiException || e instanceof IOException) {
            command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return FAILED;
        }
        throw e;
    }

    private static int usageError(CommandLine command, String message) {
        command.getErr().println("error: " + message);
        command.usage(command.getErr());
        return USAGE;
    }

    /** The first option in {@code args} that looks like a password given as an argument, by its name. */
    private static Optional<String> passwordArgument(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                continue;
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (!PASSWORD_SOURCES.contains(name.toLowerCase(Locale.ROOT))
                    && PasswordSource.looksLikePasswordOption(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** {@link PasswordSource#refusal}, naming the options and default variables of both passwords. */
    private static String passwordRefusal(String name) {
        return PasswordSource.refusal(name, "--password-file", "--password-env")
                + " for the CA password (default: environment variable " + CertsOptions.DEFAULT_PASSWORD_ENV
                + "), and --keystore-password-file FILE or --keystore-password-env VAR for a key store password"
                + " (default: environment variable " + CertsOptions.DEFAULT_KEYSTORE_PASSWORD_ENV + ")";
    }
}
