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
     * A duration option written as a whole number and a unit, ms, s, m or h (500ms, 30s, 2m, 1h, as in
     * the configuration file), or 0, from min to max.
     */
    Duration duration(String name, Duration fallback, Duration min, Duration max) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        Duration d = parseDuration(v)
                .orElseThrow(() -> new UsageException("--" + name
                        + " must be a whole number with a unit, ms, s, m or h (30s, 10m), or 0; got '" + v + "'"));
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new UsageException(
                    "--" + name + " must be between " + text(min) + " and " + text(max) + ", got " + v);
        }
        return d;
    }

    static java.util.Optional<Duration> parseDuration(String text) {
        if (text.strip().equals("0")) {
            return java.util.Optional.of(Duration.ZERO);
        }
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        return java.util.Optional.of(
                switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                });
    }

    private static String text(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        if (d.toSeconds() % 3600 == 0) {
            return d.toHours() + "h";
        }
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }

    /**
     * A comma-separated list of whole numbers (1,10,50), each from min to max, in the order given;
     * a number given twice is an error (a pair count run twice is a typing mistake).
     */
    List<Integer> integers(String name, List<Integer> fallback, int min, int max) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        List<Integer> values = new ArrayList<>();
        for (String item : v.split(",", -1)) {
            int n;
            try {
                n = Integer.parseInt(item.strip());
            } catch (NumberFormatException e) {
                throw new UsageException(
                        "--" + name + " must be whole numbers separated by commas (1,10,50), got '" + v + "'");
            }
            if (n < min || n > max) {
                throw new UsageException("--" + name + " values must be between " + min + " and " + max + ", got " + n);
            }
            if (values.contains(n)) {
                throw new UsageException("--" + name + " names " + n + " twice");
            }
            values.add(n);
        }
        return List.copyOf(values);
    }

    List<String> positionals() {
        return List.copyOf(positionals);
    }
}
