package dev.failover.gateway.cli;

import dev.failover.certs.PasswordSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The operator's identity, IDENTITY in docs/operations.md: {@code --identity OPERATOR.p12 --pki DIR}
 * and where the keystore password comes from, a file or an environment variable; never an argument
 * (the one password source of the command lines, {@link PasswordSource}). picocli mixins: {@link
 * Required} for the commands that sign, {@link IfGiven} for {@code status}.
 */
final class IdentityOptions {

    static final String PASSWORD_FILE = "--identity-password-file";
    static final String PASSWORD_ENV = "--identity-password-env";
    static final String DEFAULT_PASSWORD_ENV = "OPERATOR_KEYSTORE_PASSWORD";

    private IdentityOptions() {}

    /** {@code --identity} and {@code --pki} required: the commands that sign. */
    static final class Required {
        @Option(
                names = "--identity",
                required = true,
                paramLabel = "OPERATOR.p12",
                description = "the operator's keystore: the certificate that signs and authenticates")
        Path identity;

        @Option(
                names = "--pki",
                required = true,
                paramLabel = "DIR",
                description = "the plant PKI's public files (ca-chain.pem, crl.pem), to check the gateway with")
        Path pki;

        @Mixin
        Password password = new Password();

        /** The operator, see {@link IdentityOptions#load}. */
        OperatorIdentity load(UnaryOperator<String> environment, Clock clock) throws CommandFailure {
            return IdentityOptions.load(identity, pki, password, environment, clock);
        }
    }

    /** {@code --identity} and {@code --pki} together or not at all: {@code status}, which a gateway without TLS serves. */
    static final class IfGiven {
        @Option(
                names = "--identity",
                paramLabel = "OPERATOR.p12",
                description = "the operator's keystore, for a gateway that serves TLS (any installed one)")
        Path identity;

        @Option(
                names = "--pki",
                paramLabel = "DIR",
                description = "the plant PKI's public files (ca-chain.pem, crl.pem), with --identity")
        Path pki;

        @Mixin
        Password password = new Password();

        /** Whether an identity was given; a usage error when only one of the two options was. */
        boolean given() throws CommandFailure {
            if ((identity == null) != (pki == null)) {
                throw CommandFailure.usage("--identity and --pki go together: give both or neither");
            }
            return identity != null;
        }

        /** The operator, see {@link IdentityOptions#load}; only when {@link #given()}. */
        OperatorIdentity load(UnaryOperator<String> environment, Clock clock) throws CommandFailure {
            return IdentityOptions.load(identity, pki, password, environment, clock);
        }
    }

    /** The keystore password's two options, for {@link PasswordSource#of}. */
    static final class Password {
        @Option(
                names = PASSWORD_FILE,
                paramLabel = "FILE",
                description = "read the keystore password from the first line of FILE")
        String file;

        @Option(
                names = PASSWORD_ENV,
                paramLabel = "VAR",
                description = "read the keystore password from the environment variable VAR (default: "
                        + DEFAULT_PASSWORD_ENV + ")")
        String env;
    }

    /**
     * Opens the operator's keystore with the password from its source. A password that cannot be
     * found (both sources given, the variable unset or empty) is a usage error; a password file that
     * cannot be read, or a keystore or PKI that cannot be loaded, a runtime failure (exit 3).
     *
     * @param environment looks up an environment variable ({@code System::getenv})
     */
    private static OperatorIdentity load(
            Path keystore, Path pki, Password password, UnaryOperator<String> environment, Clock clock)
            throws CommandFailure {
        PasswordSource source;
        try {
            source = PasswordSource.of(password.file, password.env, DEFAULT_PASSWORD_ENV, PASSWORD_FILE, PASSWORD_ENV);
        } catch (IllegalArgumentException bothGiven) {
            throw CommandFailure.usage(bothGiven.getMessage());
        }
        char[] secret;
        try {
            secret = source.read(environment);
        } catch (IOException e) {
            if (source instanceof PasswordSource.FromEnv) {
                throw CommandFailure.usage(e.getMessage() + " (or use " + PASSWORD_FILE + " FILE)");
            }
            throw cannotLoad(e);
        }
        try {
            return OperatorIdentity.open(keystore, pki, secret, clock);
        } catch (IOException e) {
            throw cannotLoad(e);
        }
    }

    private static CommandFailure cannotLoad(IOException e) {
        return CommandFailure.of(ExitCode.RUNTIME, "cannot load the operator identity: " + e.getMessage());
    }
}
