package dev.failover.gateway.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML node at a key path, with readers that convert it to the type a key expects. A reader
 * that cannot convert reports a problem naming the key path and line, and returns empty; the caller
 * goes on reading so that one pass finds as many problems as practical.
 *
 * <p>The scalar readers parse the text as written, not SnakeYAML's YAML 1.1 interpretation of it
 * (where {@code 0x10} is an integer and {@code yes} a boolean), so the accepted syntax is the one
 * docs/configuration.md describes.
 */
final class YamlValue {

    /** Tags SnakeYAML gives plain, untagged YAML; anything else was written as an explicit tag. */
    private static final Set<Tag> PLAIN_TAGS =
            Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP, Tag.MAP, Tag.SEQ);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");
    static final String DURATION_FIX = "Write a number with a unit: 20ms, 2s, 5m or 1h.";

    private final Node node;
    private final String path;
    private final int line;
    private final Problems problems;
    private final Map<Integer, String> explicitTags;
    private final boolean supported;

    /**
     * @param line the line to report problems on: the line of the node's key, or of the list item
     * @param explicitTags the tags written in the file, by node start index ({@link YamlSource.Composed})
     */
    YamlValue(Node node, String path, int line, Problems problems, Map<Integer, String> explicitTags) {
        this.node = node;
        this.path = path;
        this.line = line;
        this.problems = problems;
        this.explicitTags = explicitTags;
        this.supported = checkSupported();
    }

    /** A value within this one (a mapping's value or a list item), of the same file. */
    YamlValue child(Node child, String childPath, int childLine) {
        return new YamlValue(child, childPath, childLine, problems, explicitTags);
    }

    /** The tag written in the file on {@code n}, if any ({@code !!str}, {@code !}, {@code !custom}). */
    Optional<String> explicitTag(Node n) {
        return Optional.ofNullable(explicitTags.get(n.getStartMark().getIndex()));
    }

    static int lineOf(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    String path() {
        return path;
    }

    int line() {
        return line;
    }

    /** An empty value ({@code key:} with nothing after it, {@code ~} or {@code null}). */
    boolean isNull() {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    /** Whether the node is plain YAML; if not, a problem was reported and every reader returns empty. */
    boolean isSupported() {
        return supported;
    }

    void report(String message) {
        problems.add(line, path, message);
    }

    Problems problems() {
        return problems;
    }

    /** A single value, not a mapping or list; also true for an empty value. */
    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    Optional<YamlMap> map(List<String> keys) {
        return map(keys, Map.of());
    }

    /**
     * A mapping of {@code keys}, where each key of {@code refusedKeys} is reported with its own message
     * (what is wrong and the fix) instead of as an unknown key.
     */
    Optional<YamlMap> map(List<String> keys, Map<String, String> refusedKeys) {
        if (!supported) {
            return Optional.empty();
        }
        if (node instanceof MappingNode mapping) {
            return Optional.of(new YamlMap(mapping, this, keys, refusedKeys));
        }
        report("expected a mapping, found " + found() + ". Write indented 'key: value' lines here.");
        return Optional.empty();
    }

    Optional<List<YamlValue>> list() {
        if (!supported) {
            return Optional.empty();
        }
        if (node instanceof SequenceNode sequence) {
            List<YamlValue> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                items.add(child(item, path + "[" + items.size() + "]", lineOf(item)));
            }
            return Optional.of(items);
        }
        report("expected a list, found " + found() + ". Write one '- ' item per line, or [a, b].");
        return Optional.empty();
    }

    /** Any scalar, as written; empty text for an empty value. */
    Optional<String> text() {
        return scalar("a text");
    }

    Optional<String> nonBlank(String fix) {
        return scalar("a text").filter(text -> {
            if (text.isBlank()) {
                report("must not be empty. " + fix);
                return false;
            }
            return true;
        });
    }

    /** A name or id: letters, digits, '_', '.' and '-'. */
    Optional<String> name(String what) {
        return scalar("a " + what).filter(text -> {
            if (!NAME.matcher(text).matches()) {
                report(quote(text) + " is not a valid " + what + ". Use only letters, digits, '_', '.' and '-'.");
                return false;
            }
            return true;
        });
    }

    Optional<Integer> integer(IntRange range) {
        Optional<String> text = scalar("an integer");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String written = text.get().trim();
        if (!INTEGER.matcher(written).matches()) {
            report(quote(written) + " is not an integer. " + range.fix());
            return Optional.empty();
        }
        long value;
        try {
            value = Long.parseLong(written);
        } catch (NumberFormatException tooManyDigits) {
            value = written.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (value < range.min()) {
            String why = range.whyMin().isEmpty() ? "" : ": " + range.whyMin();
            report(written + " is too small" + why + ". " + range.fix());
            return Optional.empty();
        }
        if (value > range.max()) {
            report(written + " is too large. " + range.fix());
            return Optional.empty();
        }
        return Optional.of((int) value);
    }

    /** A finite decimal number, e.g. 0.01, -5 or 1e9. */
    Optional<Double> number() {
        Optional<String> text = scalar("a number");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String written = text.get().trim();
        if (NUMBER.matcher(written).matches()) {
            double value = Double.parseDouble(written);
            if (Double.isFinite(value)) {
                return Optional.of(value);
            }
        }
        report(quote(written) + " is not a number. Write a decimal number such as 0.01, -40 or 1e6.");
        return Optional.empty();
    }

    Optional<Boolean> bool() {
        Optional<String> text = scalar("true or false");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String written = text.get().trim();
        if (written.equals("true") || written.equals("false")) {
            return Optional.of(Boolean.valueOf(written));
        }
        report(quote(written) + " is not a boolean. Write true or false.");
        return Optional.empty();
    }

    /** A positive duration: an integer and a unit, ms, s, m or h. */
    Optional<Duration> duration() {
        return duration(false);
    }

    /** A duration that may be zero: {@code 0s} is accepted. */
    Optional<Duration> durationOrZero() {
        return duration(true);
    }

    private Optional<Duration> duration(boolean zeroAllowed) {
        Optional<String> text = scalar("a duration");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String written = text.get().trim();
        Matcher m = DURATION.matcher(written);
        if (!m.matches()) {
            report(quote(written) + " is not a duration. " + DURATION_FIX);
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        Duration value = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (value.isZero() && !zeroAllowed) {
            report(quote(written) + " is not a positive duration. Write a number above zero with a unit: 20ms, 2s, 5m"
                    + " or 1h.");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /**
     * A file or folder path; a relative path is resolved against the folder of {@code source}, the
     * configuration file. Whether it exists is left to the caller.
     *
     * @param fix the sentence telling what to write, e.g. "Write a file path, e.g. events.jsonl."
     */
    Optional<Path> path(Path source, String fix) {
        return nonBlank(fix).flatMap(text -> {
            try {
                return Optional.of(source.resolveSibling(Path.of(text.trim())).normalize());
            } catch (InvalidPathException e) {
                report(quote(text) + " is not a valid path (" + e.getReason() + "). " + fix);
                return Optional.empty();
            }
        });
    }

    /**
     * One of a fixed set of words, case-sensitive.
     *
     * @param what what the words are, with an article, e.g. "a fence type"
     * @param choices the accepted words, in the order the fix lists them
     */
    <E> Optional<E> choice(String what, Map<String, E> choices) {
        Optional<String> text = scalar(what);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String written = text.get().trim();
        E value = choices.get(written);
        if (value != null) {
            return Optional.of(value);
        }
        List<String> words = List.copyOf(choices.keySet());
        String options =
                words.size() == 2 ? words.get(0) + " or " + words.get(1) : "one of " + String.join(", ", words);
        report(quote(written) + " is not " + what + ". Write " + options + ".");
        return Optional.empty();
    }

    private Optional<String> scalar(String expected) {
        if (!supported) {
            return Optional.empty();
        }
        if (node instanceof ScalarNode scalar) {
            return Optional.of(isNull() ? "" : scalar.getValue());
        }
        report("expected " + expected + ", found " + found() + ". Write a single value here.");
        return Optional.empty();
    }

    private String found() {
        return switch (node) {
            case MappingNode m -> "a mapping";
            case SequenceNode s -> "a list";
            case ScalarNode s -> isNull() ? "an empty value" : "the value " + quote(s.getValue());
            default -> "a " + node.getNodeId();
        };
    }

    /** Rejects what plain mappings, lists and scalars do not need, reporting it once, here. */
    private boolean checkSupported() {
        if (node.getAnchor() != null) {
            // An alias is the anchored node itself, so this reports both the anchor and each alias.
            report("anchors and aliases (&" + node.getAnchor() + ", *" + node.getAnchor()
                    + ") are not supported. Write the value out in full.");
            return false;
        }
        // A tag written in the file is refused even where SnakeYAML's resolution would give the same
        // one: the readers parse the text as written, and a tag such as !!null would otherwise make a
        // written value count as absent.
        Optional<String> written = explicitTag(node);
        if (written.isPresent() || !PLAIN_TAGS.contains(node.getTag())) {
            String tag = written.orElseGet(() -> node.getTag().getValue().replace(Tag.PREFIX, "!!"));
            report("the YAML tag " + tag + " is not supported. Remove the tag and write a plain value.");
            return false;
        }
        return true;
    }

    static String quote(String text) {
        return "'" + text + "'";
    }

    /** A duration the way this file writes them: 20ms, 2s, 5m or 1h. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** A number without a useless ".0": 100, 0.5, 1.0E12. */
    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
