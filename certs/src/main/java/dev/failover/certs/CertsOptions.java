package dev.failover.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The typed options of the {@code certs} subcommands: converters whose messages picocli prefixes
 * with the option's name, the accepted values for the generated help, and the two password
 * options of each password (a file or an environment variable, through {@link PasswordSource}).
 */
final class CertsOptions {

    static final String DEFAULT_PASSWORD_ENV = "PKI_PASSWORD";
    static final String DEFAULT_KEYSTORE_PASSWORD_ENV = "KEYSTORE_PASSWORD";

    private CertsOptions() {}

    /** {@code --days}: a whole number of days from {@link #MIN} to {@link #MAX} (100 years), as a duration. */
    static final class Days implements CommandLine.ITypeConverter<Duration> {
        static final int MIN = 1;
        static final int MAX = 36_500;

        @Override
        public Duration convert(String text) {
            int days;
            try {
                days = Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("must be a whole number of days, not '" + text + "'");
            }
            if (days < MIN || days > MAX) {
                throw new CommandLine.TypeConversionException(
                        "must be between " + MIN + " and " + MAX + " days, not " + days);
            }
            return Duration.ofDays(days);
        }
    }

    /** {@code --serial}: hexadecimal as {@code certs list} prints it; colons and a {@code 0x} prefix are accepted. */
    static final class Serial implements CommandLine.ITypeConverter<BigInteger> {
        @Override
        public BigInteger convert(String text) {
            String hex = text.strip().replace(":", "");
            if (hex.startsWith("0x") || hex.startsWith("0X")) {
                hex = hex.substring(2);
            }
            BigInteger serial;
            try {
                serial = new BigInteger(hex, 16);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(
                        "must be hexadecimal (as `certs list` shows it), not '" + text + "'");
            }
            if (serial.signum() <= 0) {
                throw new CommandLine.TypeConversionException("must be positive, not '" + text + "'");
            }
            return serial;
        }
    }

    /** {@code --kind}: {@link CertificateKind#parse}. */
    static final class Kind implements CommandLine.ITypeConverter<CertificateKind> {
        @Override
        public CertificateKind convert(String text) {
            try {
                return CertificateKind.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The kinds' command-line names, for {@code ${COMPLETION-CANDIDATES}} in the help. */
    static final class KindNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(CertificateKind.values())
                    .map(CertificateKind::cliName)
                    .iterator();
        }
    }

    /** {@code --reason}: {@link RevocationReason#parse}. */
    static final class Reason implements CommandLine.ITypeConverter<RevocationReason> {
        @Override
        public RevocationReason convert(String text) {
            try {
                return RevocationReason.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The RFC 5280 reason names, for {@code ${COMPLETION-CANDIDATES}} in the help. */
    static final class ReasonNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(RevocationReason.values())
                    .map(RevocationReason::rfcName)
                    .iterator();
        }
    }

    /** The CA password of {@code init}, {@code issue}, {@code revoke} and {@code crl}. */
    static final class CaPassword {
        @Option(names = "--password-file", paramLabel = "FILE", description = "the CA password: the first line of FILE")
        Path file;

        @Option(
                names = "--password-env",
                paramLabel = "VAR",
                description = "the CA password: environment variable VAR (default: " + DEFAULT_PASSWORD_ENV + ")")
        String variable;

        char[] read(CommandSpec command, Map<String, String> env) throws IOException {
            return password(
                    command,
                    env,
                    file,
                    variable,
                    DEFAULT_PASSWORD_ENV,
                    "--password-file",
                    "--password-env",
                    "CA password");
        }
    }

    /** The password of the key store {@code issue} writes. */
    static final class KeystorePassword {
        @Option(
                names = "--keystore-password-file",
                paramLabel = "FILE",
                description = "the new key store's password: the first line of FILE")
        Path file;

        @Option(
                names = "--keystore-password-env",
                paramLabel = "VAR",
                description = "the new key store's password: environment variable VAR (default: "
                        + DEFAULT_KEYSTORE_PASSWORD_ENV + ")")
        String variable;

        char[] read(CommandSpec command, Map<String, String> env) throws IOException {
            return password(
                    command,
                    env,
                    file,
                    variable,
                    DEFAULT_KEYSTORE_PASSWORD_ENV,
                    "--keystore-password-file",
                    "--keystore-password-env",
                    "key store password");
        }
    }

    /**
     * The password the two options name. Both options, or an unset or empty variable, are usage
     * errors (exit 2); a file that cannot be read is an {@link IOException} (exit 1).
     */
    private static char[] password(
            CommandSpec command,
            Map<String, String> env,
            Path file,
            String variable,
            String defaultEnv,
            String fileOption,
            String envOption,
            String what)
            throws IOException {
        PasswordSource source;
        try {
            source = PasswordSource.of(
                    file == null ? null : file.toString(), variable, defaultEnv, fileOption, envOption);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(), e.getMessage(), e);
        }
        if (source instanceof PasswordSource.FromEnv fromEnv) {
            try {
                return source.read(env::get);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(
                        command.commandLine(),
                        variable != null
                                ? "the environment variable " + fromEnv.variable() + " (from " + envOption
                                        + ") is not set or empty"
                                : "no " + what + ": set the environment variable " + defaultEnv + ", or use "
                                        + fileOption + " FILE or " + envOption + " VAR",
                        e);
            }
        }
        return source.read(env::get);
    }
}
