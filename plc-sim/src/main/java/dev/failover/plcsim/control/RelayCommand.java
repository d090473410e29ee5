package dev.failover.plcsim.control;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One command of the relay box's line protocol (docs/plc-sim.md, "Relay box"): words separated by
 * blanks, verbs and {@code on}/{@code off} case-insensitive, controller names exact. Immutable and
 * thread-safe.
 */
public sealed interface RelayCommand permits RelayCommand.Set, RelayCommand.Status, RelayCommand.StatusAll {

    /** Every command form, for help texts. */
    String SYNTAX = "output-enable <name> on|off [deadline=<epochMillis>], status <name>, status";

    /**
     * {@code output-enable <name> on|off [deadline=<epochMillis>]}: close or cut a relay, unless the
     * box's wall clock is past the deadline.
     */
    record Set(String name, boolean on, OptionalLong deadlineEpochMillis) implements RelayCommand {}

    /** {@code status <name>}: one relay. */
    record Status(String name) implements RelayCommand {}

    /** {@code status}: every relay of the plant. */
    record StatusAll() implements RelayCommand {}

    /** Result of {@link #parse(String)}. */
    sealed interface Parsed {
        /** A valid command. */
        record Valid(RelayCommand command) implements Parsed {}

        /** Not a valid command; {@code reason} tells the user what to send instead. */
        record Invalid(String reason) implements Parsed {}
    }

    /** Parses one line of the protocol. */
    static Parsed parse(String line) {
        List<String> words = Arrays.stream(line.strip().split("\\s+"))
                .filter(w -> !w.isEmpty())
                .toList();
        if (words.isEmpty()) {
            return new Parsed.Invalid("empty command; commands: " + SYNTAX);
        }
        String verb = words.get(0).toLowerCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        return switch (verb) {
            case "status" -> status(args);
            case "output-enable" -> set(args);
            default -> new Parsed.Invalid("unknown command '" + words.get(0) + "'; commands: " + SYNTAX);
        };
    }

    private static Parsed status(List<String> args) {
        if (args.isEmpty()) {
            return new Parsed.Valid(new StatusAll());
        }
        if (args.size() > 1) {
            return new Parsed.Invalid("status takes at most one controller name, got '" + String.join(" ", args) + "'");
        }
        return nameProblem(args.get(0))
                .<Parsed>map(Parsed.Invalid::new)
                .orElseGet(() -> new Parsed.Valid(new Status(args.get(0))));
    }

    private static Parsed set(List<String> args) {
        String usage = "output-enable needs <name> on|off [deadline=<epochMillis>], e.g. 'output-enable A off'";
        if (args.size() < 2 || args.size() > 3) {
            return new Parsed.Invalid(usage);
        }
        String name = args.get(0);
        Optional<String> problem = nameProblem(name);
        if (problem.isPresent()) {
            return new Parsed.Invalid(problem.get());
        }
        boolean on;
        switch (args.get(1).toLowerCase(Locale.ROOT)) {
            case "on" -> on = true;
            case "off" -> on = false;
            default -> {
                return new Parsed.Invalid(
                        "output-enable needs 'on' or 'off' after the name, got '" + args.get(1) + "'");
            }
        }
        if (args.size() == 2) {
            return new Parsed.Valid(new Set(name, on, OptionalLong.empty()));
        }
        String deadline = args.get(2);
        String prefix = "deadline=";
        if (!deadline.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            return new Parsed.Invalid("expected deadline=<epochMillis> after on|off, got '" + deadline + "'");
        }
        String digits = deadline.substring(prefix.length());
        try {
            long millis = Long.parseLong(digits);
            if (millis < 0 || !digits.chars().allMatch(Character::isDigit)) {
                throw new NumberFormatException(digits);
            }
            return new Parsed.Valid(new Set(name, on, OptionalLong.of(millis)));
        } catch (NumberFormatException e) {
            return new Parsed.Invalid(
                    "deadline must be milliseconds since the Unix epoch as a whole number, got '" + digits + "'");
        }
    }

    /** Why {@code name} cannot be a controller name, if it cannot: the rule of plc-sim's {@code --name}. */
    private static Optional<String> nameProblem(String name) {
        if (name.length() > 32 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return Optional.of(
                    "a controller name is 1 to 32 printable ASCII characters without" + " spaces, got '" + name + "'");
        }
        return Optional.empty();
    }
}
