package dev.failover.plcsim.control;

import dev.failover.plcsim.control.ControlCommand.Action;
import dev.failover.plcsim.control.ControlCommand.Parsed;
import dev.failover.plcsim.modbus.TlsPosture;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.LongFunction;

/** Parser behind {@link ControlCommand#parse(String)}. Stateless and thread-safe. */
final class ControlParser {

    private ControlParser() {}

    static Parsed parse(String line) {
        List<String> words = Arrays.stream(line.strip().split("\\s+"))
                .filter(w -> !w.isEmpty())
                .map(w -> w.toLowerCase(Locale.ROOT))
                .toList();
        if (words.isEmpty()) {
            return new Parsed.Invalid("empty command; commands: " + ControlCommand.SYNTAX);
        }
        String joined = String.join(" ", words);
        for (Action action : Action.values()) {
            if (action.text().equals(joined)) {
                return new Parsed.Valid(action);
            }
        }
        List<String> args = words.subList(1, words.size());
        return switch (words.get(0)) {
            case "slow" -> millis("slow", args, d -> new ControlCommand.Slow(d));
            case "stall" -> millis("stall", args, d -> new ControlCommand.Stall(d));
            case "lose" ->
                number(
                        "lose",
                        args,
                        1,
                        ControlCommand.MAX_LOSE,
                        "a request count",
                        n -> new ControlCommand.Lose((int) n));
            case "output-enable" -> outputEnable(args);
            case "partner-link" -> partnerLink(args);
            case "tls" ->
                args.size() == 1
                        ? TlsPosture.Versions.of(args.get(0))
                                .<Parsed>map(v -> new Parsed.Valid(new ControlCommand.Tls(v)))
                                .orElse(new Parsed.Invalid("tls needs 1.3, 1.2 or 1.2-only, got '" + args.get(0) + "'"))
                        : new Parsed.Invalid("tls needs 1.3, 1.2 or 1.2-only");
            case "suites" -> suites(args);
            case "plain" -> plain(args);
            case "identity" -> identity(args);
            case "opcua" -> opcUa(args);
            case "heartbeat" ->
                number("heartbeat", args, 0, 65_535, "a heartbeat count", n -> new ControlCommand.Heartbeat((int) n));
            default -> new Parsed.Invalid("unknown command '" + joined + "'; commands: " + ControlCommand.SYNTAX);
        };
    }

    private static Parsed suites(List<String> args) {
        for (TlsPosture.Suites suites : TlsPosture.Suites.values()) {
            if (args.equals(List.of(suites.word()))) {
                return new Parsed.Valid(new ControlCommand.Suites(suites));
            }
        }
        return new Parsed.Invalid("suites needs 'strong' or 'cbc', got '" + String.join(" ", args) + "'");
    }

    private static Parsed plain(List<String> args) {
        if (args.equals(List.of("off"))) {
            return new Parsed.Valid(new ControlCommand.Plain(OptionalInt.empty()));
        }
        if (args.size() == 2 && args.get(0).equals("on")) {
            return number(
                    "plain on",
                    args.subList(1, 2),
                    0,
                    65_535,
                    "a port",
                    port -> new ControlCommand.Plain(OptionalInt.of((int) port)));
        }
        return new Parsed.Invalid("plain needs 'on <port>' or 'off', got '" + String.join(" ", args) + "'");
    }

    private static Parsed opcUa(List<String> args) {
        if (args.size() == 2
                && (args.get(0).equals("none") || args.get(0).equals("anonymous"))
                && (args.get(1).equals("on") || args.get(1).equals("off"))) {
            return new Parsed.Valid(new ControlCommand.OpcUa(
                    args.get(0).equals("anonymous"), args.get(1).equals("on")));
        }
        return new Parsed.Invalid(
                "opcua needs 'none on|off' or 'anonymous on|off', got '" + String.join(" ", args) + "'");
    }

    private static Parsed identity(List<String> args) {
        if (args.size() == 2 && (args.get(0).equals("program") || args.get(0).equals("firmware"))) {
            return new Parsed.Valid(new ControlCommand.Identity(args.get(0).equals("firmware"), args.get(1)));
        }
        return new Parsed.Invalid(
                "identity needs 'program <version>' or 'firmware <version>', got '" + String.join(" ", args) + "'");
    }

    private static Parsed outputEnable(List<String> args) {
        if (args.equals(List.of("on"))) {
            return new Parsed.Valid(new ControlCommand.OutputEnable(true));
        }
        if (args.equals(List.of("off"))) {
            return new Parsed.Valid(new ControlCommand.OutputEnable(false));
        }
        return new Parsed.Invalid("output-enable needs 'on' or 'off', got '" + String.join(" ", args) + "'");
    }

    private static Parsed partnerLink(List<String> args) {
        if (args.equals(List.of("cut"))) {
            return new Parsed.Valid(new ControlCommand.PartnerLink(true));
        }
        if (args.equals(List.of("restore"))) {
            return new Parsed.Valid(new ControlCommand.PartnerLink(false));
        }
        return new Parsed.Invalid("partner-link needs 'cut' or 'restore', got '" + String.join(" ", args) + "'");
    }

    private static Parsed millis(String verb, List<String> args, Function<Duration, ControlCommand> make) {
        return number(
                verb, args, 0, ControlCommand.MAX_DELAY_MS, "a delay in ms", ms -> make.apply(Duration.ofMillis(ms)));
    }

    private static Parsed number(
            String verb, List<String> args, long min, long max, String what, LongFunction<ControlCommand> make) {
        String example = "e.g. '" + verb + " " + Math.max(min, 30) + "'";
        if (args.size() != 1) {
            return new Parsed.Invalid(verb + " needs " + what + ", " + example);
        }
        long value;
        try {
            value = Long.parseLong(args.get(0));
        } catch (NumberFormatException e) {
            return new Parsed.Invalid(
                    verb + " needs " + what + " as a whole number, " + example + ", got '" + args.get(0) + "'");
        }
        if (value < min || value > max) {
            return new Parsed.Invalid(verb + " needs " + what + " from " + min + " to " + max + ", got " + value);
        }
        return new Parsed.Valid(make.apply(value));
    }
}
