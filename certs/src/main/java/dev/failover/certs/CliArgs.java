package dev.failover.certs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of one {@code certs} command: {@code --name value}, {@code --name=value}, flags, and
 * repeatable options. Any option that looks like a password is refused with a message saying how
 * passwords are given instead.
 */
final class CliArgs {

    /** A command line that cannot be used: exit code 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Options that take passwords indirectly; anything else mentioning a password is refused. */
    static final Set<String> PASSWORD_SOURCES =
            Set.of("--password-file", "--password-env", "--keystore-password-file", "--keystore-password-env");

    private final Map<String, List<String>> values;

    private CliArgs(Map<String, List<String>> values) {
        this.values = values;
    }

    /**
     * Parses {@code args} (the command name already removed).
     *
     * @param valueOptions options taking a value
     * @param repeatable those of {@code valueOptions} that may be given several times
     * @param flags options without a value
     */
    static CliArgs parse(
            String command, List<String> args, Set<String> valueOptions, Set<String> repeatable, Set<String> flags)
            throws UsageException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-")) {
                throw new UsageException("unexpected argument '" + arg + "' for `certs " + command + "`");
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (looksLikePassword(name)) {
                throw new UsageException(passwordRefusal(name));
            }
            if (flags.contains(name)) {
                if (equals >= 0) {
                    throw new UsageException(name + " takes no value");
                }
                values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
                continue;
            }
            if (!valueOptions.contains(name)) {
                throw new UsageException("unknown option " + name + " for `certs " + command + "` (see `certs help`)");
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException(name + " needs a value");
            }
            List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!list.isEmpty() && !repeatable.contains(name)) {
                throw new UsageException(name + " is given twice");
            }
            list.add(value);
        }
        return new CliArgs(values);
    }

    Optional<String> value(String option) {
        List<String> list = values.get(option);
        return list == null ? Optional.empty() : Optional.of(list.get(0));
    }

    String required(String option) throws UsageException {
        return value(option).orElseThrow(() -> new UsageException(option + " is required"));
    }

    List<String> values(String option) {
        return values.getOrDefault(option, List.of());
    }

    boolean flag(String option) {
        return values.containsKey(option);
    }

    /** A positive whole number of days, at most 100 years. */
    Optional<Integer> days(String option) throws UsageException {
        Optional<String> text = value(option);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            int days = Integer.parseInt(text.get().strip());
            if (days < 1 || days > 36_500) {
                throw new UsageException(option + " must be between 1 and 36500, not " + days);
            }
            return Optional.of(days);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number of days, not '" + text.get() + "'");
        }
    }

    private static boolean looksLikePassword(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !PASSWORD_SOURCES.contains(lower)
                && (lower.contains("pass") || lower.contains("pwd") || lower.equals("-p"));
    }

    private static String passwordRefusal(String name) {
        return "passwords are never accepted on the command line (" + name
                + "): they would show in the process list and the shell history. Give the CA password with"
                + " --password-file FILE or --password-env VAR (default: environment variable "
                + CertsMain.DEFAULT_PASSWORD_ENV + "), and a key store password with --keystore-password-file FILE"
                + " or --keystore-password-env VAR (default: " + CertsMain.DEFAULT_KEYSTORE_PASSWORD_ENV + ")";
    }
}
