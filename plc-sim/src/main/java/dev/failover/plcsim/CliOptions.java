package dev.failover.plcsim;

import dev.failover.certs.PasswordSource;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The checks and value types the {@code plc-sim} subcommands share. Each check throws a {@link
 * ParameterException} naming the option, which {@link PlcSimMain} turns into a usage error (exit 2).
 * Stateless and thread-safe.
 */
final class CliOptions {

    /** The highest TCP port. */
    static final int MAX_PORT = 65535;

    private CliOptions() {}

    /** {@code value} if it is within {@code min..max}; otherwise a usage error naming {@code option}. */
    static int within(CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw outOfRange(spec, option, value, min, max);
        }
        return value;
    }

    /** {@code value} if it is within {@code min..max} ms; otherwise a usage error naming {@code option}. */
    static Duration within(CommandSpec spec, String option, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw outOfRange(spec, option, value.toMillis(), min.toMillis(), max.toMillis());
        }
        return value;
    }

    private static ParameterException outOfRange(CommandSpec spec, String option, long value, long min, long max) {
        return new ParameterException(
                spec.commandLine(),
                option + " needs a whole number from " + min + " to " + max + ", got '" + value + "'");
    }

    /**
     * Where a key store's password comes from: exactly one of its two options. plc-sim reads no default
     * variable, so a key store without either option is a usage error.
     */
    static PasswordSource password(
            CommandSpec spec, String keystoreOption, String file, String env, String fileOption, String envOption) {
        if (file == null && env == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    keystoreOption + " needs its password from one of " + fileOption + " FILE or " + envOption
                            + " VAR");
        }
        try {
            // No default variable (null): neither option is refused above, so of() never falls back to it.
            return PasswordSource.of(file, env, null, fileOption, envOption);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), keystoreOption + ": " + e.getMessage(), e);
        }
    }

    /** A duration in whole milliseconds, as the {@code -ms} options take it ({@code 250}). */
    static final class Millis implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return Duration.ofMillis(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a whole number of milliseconds");
            }
        }
    }

    /** {@code active} or {@code standby}, in any case. */
    static final class RoleName implements CommandLine.ITypeConverter<Role> {
        @Override
        public Role convert(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "active" -> Role.ACTIVE;
                case "standby" -> Role.STANDBY;
                default ->
                    throw new CommandLine.TypeConversionException("expected 'active' or 'standby', got '" + text + "'");
            };
        }
    }
}
