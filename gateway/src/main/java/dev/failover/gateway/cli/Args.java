package dev.failover.gateway.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal command-line parsing: {@code --name value} options, {@code --flag} flags and positionals. */
final class Args {

    /** A usage error: the message names the bad argument and what is expected. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    private final Map<String, String> options = new HashMap<>();
    private final Map<String, List<String>> repeated = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();

    private Args() {}

    static Args parse(List<String> args, Set<String> valued, Set<String> flags) throws UsageException {
        Args parsed = new Args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                String name = a.substring(2);
                if (flags.contains(name)) {
                    parsed.options.put(name, "true");
                } else if (valued.contains(name)) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    String value = args.get(++i);
                    parsed.options.put(name, value);
                    parsed.repeated
                            .computeIfAbsent(name, k -> new ArrayList<>())
                            .add(value);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                parsed.positionals.add(a);
            }
        }
        return parsed;
    }

    String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    String require(String name) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            throw new UsageException("option --" + name + " is required");
        }
        return v;
    }

    /** Every value of an option that may be repeated, in order. */
    List<String> all(String name) {
        return List.copyOf(repeated.getOrDefault(name, List.of()));
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    int integer(String name, int fallback, int min, int max) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    /**
     * A duration written as a whole number and a unit ({@code 500ms}, {@code 60s}, {@code 10m},
     * {@code 1h}, as in the configuration file), or {@code 0}; at most {@code max}.
     */
    Duration duration(String name, Duration fallback, Duration max) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new UsageException("--" + name
                    + " must be a number with a unit (ms, s, m or h), e.g. 60s or 10m, or 0; got '" + v + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (d.compareTo(max) > 0) {
            String most = max.toMinutes() % 60 == 0 ? max.toHours() + "h" : max.toMinutes() + "m";
            throw new UsageException("--" + name + " must be at most " + most + ", got '" + v + "'");
        }
        return d;
    }

    List<String> positionals() {
        return List.copyOf(positionals);
    }
}
