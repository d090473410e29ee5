package dev.failover.gateway.cli;

import dev.failover.gateway.config.CommandAction;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The values a command signs: tag values ({@code write --value}) and the {@code --arg KEY=VALUE}
 * options of {@code sign}. Checked before anything is signed: the gateway would refuse a bad value
 * too, but only after the command had used up its id.
 */
final class TagValues {

    /** Decimal digits with an optional sign, fraction and exponent: what JSON can carry as a number. */
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private static final Pattern WHOLE = Pattern.compile("[-+]?[0-9]+");

    private TagValues() {}

    /**
     * The arguments of {@code sign}'s {@code --arg KEY=VALUE} options. A write-tag needs {@code tag} and
     * a {@code value} that is a finite number: every tag type is numeric. Other values that look like
     * decimal numbers are signed as numbers, the rest as text.
     */
    static Map<String, Object> signedArgs(CommandAction action, List<String> options) throws CommandFailure {
        Map<String, Object> commandArgs = new TreeMap<>();
        for (String kv : options) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw CommandFailure.usage("--arg must be KEY=VALUE, got '" + kv + "'");
            }
            String key = kv.substring(0, eq);
            String value = kv.substring(eq + 1);
            if (action == CommandAction.WRITE_TAG && key.equals("value")) {
                commandArgs.put(key, number("--arg value", value));
            } else {
                commandArgs.put(key, value.matches("-?\\d+(\\.\\d+)?") ? number("--arg " + key, value) : value);
            }
        }
        if (action == CommandAction.WRITE_TAG
                && !(commandArgs.containsKey("tag") && commandArgs.containsKey("value"))) {
            throw CommandFailure.usage("write-tag needs --arg tag=NAME and --arg value=NUMBER");
        }
        return commandArgs;
    }

    /**
     * A tag value: a whole number as a long, any other finite decimal as a double. NaN, Infinity, hex
     * and text are refused (Double.parseDouble takes them all), as is a number too large for a double.
     *
     * @param option the option, for the message, e.g. "--value"
     */
    static Number number(String option, String text) throws CommandFailure {
        if (!DECIMAL.matcher(text).matches()) {
            throw CommandFailure.usage(option + " must be a decimal number such as 55.5, -40 or 1e3, got '" + text
                    + "': every tag type is numeric, so NaN, Infinity and text are refused");
        }
        if (WHOLE.matcher(text).matches()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException beyondLong) {
                // a double below, or refused as too large
            }
        }
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            throw CommandFailure.usage(option + " '" + text + "' is beyond the range of a number (about 1.8e308)");
        }
        return value;
    }
}
