package dev.failover.plcsim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Parses the {@code plc-sim} command line into a {@link Cli} value. Stateless and thread-safe. */
final class CliParser {

    static final String USAGE = """
            usage: plc-sim run --name NAME [--role active|standby] [--port N] [--control-port N]
                               [--bind ADDRESS] [--unit-id N] [--scan-ms N] [--plant FILE]
                   plc-sim ctl --port N [--host HOST] COMMAND...
            commands: crash, hang, freeze-heartbeat, fault, slow <ms>, drop, drop once, lose <n>,
                      stall <ms>, corrupt, clear, output-enable on|off, status""";

    private static final Set<String> RUN_OPTIONS =
            Set.of("--name", "--role", "--port", "--control-port", "--bind", "--unit-id", "--scan-ms", "--plant");
    private static final Set<String> CTL_OPTIONS = Set.of("--port", "--host");

    /** What the command line asks for. */
    sealed interface Cli {
        record Run(SimConfig config, Optional<Path> plant) implements Cli {}

        record Ctl(String host, int port, String commandLine) implements Cli {}

        record Help() implements Cli {}

        /** A usage error; {@code message} names the bad option or value. */
        record Invalid(String message) implements Cli {}
    }

    private CliParser() {}

    static Cli parse(String[] args) {
        if (args.length == 0) {
            return new Cli.Invalid("missing command: 'run' or 'ctl'");
        }
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "run" -> run(rest);
            case "ctl" -> ctl(rest);
            case "help", "-h", "--help" -> new Cli.Help();
            default -> new Cli.Invalid("unknown command '" + args[0] + "': expected 'run' or 'ctl'");
        };
    }

    private static Cli run(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        Optional<String> error = options("run", args, RUN_OPTIONS, options, words);
        if (error.isPresent()) {
            return new Cli.Invalid(error.get());
        }
        if (!words.isEmpty()) {
            return new Cli.Invalid("run takes only options, got '" + words.get(0) + "'");
        }
        if (!options.containsKey("--name")) {
            return new Cli.Invalid("run needs --name NAME");
        }
        String roleText = options.getOrDefault("--role", "standby");
        Role role;
        switch (roleText.toLowerCase(Locale.ROOT)) {
            case "active" -> role = Role.ACTIVE;
            case "standby" -> role = Role.STANDBY;
            default -> {
                return new Cli.Invalid("--role must be 'active' or 'standby', got '" + roleText + "'");
            }
        }
        try {
            int port = integer(options, "--port", 502, 0, 65535);
            int controlPort = integer(options, "--control-port", 0, 0, 65535);
            int unitId = integer(options, "--unit-id", 1, 1, 255);
            int scanMs = integer(options, "--scan-ms", 10, 1, 60_000);
            SimConfig config = new SimConfig(
                    options.get("--name"),
                    role,
                    options.getOrDefault("--bind", "127.0.0.1"),
                    port,
                    controlPort,
                    unitId,
                    Duration.ofMillis(scanMs));
            return new Cli.Run(
                    config, Optional.ofNullable(options.get("--plant")).map(Path::of));
        } catch (IllegalArgumentException e) {
            return new Cli.Invalid(e.getMessage());
        }
    }

    private static Cli ctl(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        Optional<String> error = options("ctl", args, CTL_OPTIONS, options, words);
        if (error.isPresent()) {
            return new Cli.Invalid(error.get());
        }
        if (!options.containsKey("--port")) {
            return new Cli.Invalid("ctl needs --port N (the controller's control port)");
        }
        if (words.isEmpty()) {
            return new Cli.Invalid("ctl needs a command, e.g. 'plc-sim ctl --port 5021 status'");
        }
        try {
            int port = integer(options, "--port", 0, 1, 65535);
            return new Cli.Ctl(options.getOrDefault("--host", "127.0.0.1"), port, String.join(" ", words));
        } catch (IllegalArgumentException e) {
            return new Cli.Invalid(e.getMessage());
        }
    }

    /**
     * Splits {@code --opt value} / {@code --opt=value} pairs from plain words. Options come first:
     * after the first plain word everything is a word (ctl commands may not look like options).
     */
    private static Optional<String> options(
            String command, List<String> args, Set<String> known, Map<String, String> options, List<String> words) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!words.isEmpty() || !arg.startsWith("--")) {
                words.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (!known.contains(name)) {
                return Optional.of("unknown option '" + name + "' for " + command + "; options: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                return Optional.of("option " + name + " needs a value");
            }
            if (options.put(name, value) != null) {
                return Optional.of("option " + name + " given twice");
            }
        }
        return Optional.empty();
    }

    private static int integer(Map<String, String> options, String name, int fallback, int min, int max) {
        String text = options.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " needs a whole number from " + min + " to " + max + ", got '" + text + "'", e);
        }
        throw new IllegalArgumentException(
                name + " needs a whole number from " + min + " to " + max + ", got '" + text + "'");
    }
}
