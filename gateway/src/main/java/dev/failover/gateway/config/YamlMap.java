package dev.failover.gateway.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping whose keys were checked against the keys its section knows: unknown keys (with a
 * "did you mean" hint), duplicate keys and keys that are not plain words are reported when it is
 * built. An empty value ({@code key:} alone) counts as absent, so a section can be left with its
 * keys commented out.
 */
final class YamlMap {

    /** Unknown keys within this many edits of a known key get a "did you mean" hint. */
    private static final int SUGGEST_WITHIN = 2;

    private final YamlValue self;
    private final Map<String, YamlValue> entries = new LinkedHashMap<>();
    private boolean refused;

    /**
     * @param knownKeys the keys the section accepts
     * @param refusedKeys keys that are wrong here for a reason worth its own message (what is wrong and
     *     the fix), rather than the unknown-key message; they are left out of the "use one of" list
     */
    YamlMap(MappingNode node, YamlValue self, List<String> knownKeys, Map<String, String> refusedKeys) {
        this.self = self;
        Problems problems = self.problems();
        Map<String, Integer> firstLine = new HashMap<>();
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            int line = YamlValue.lineOf(keyNode);
            if (!(keyNode instanceof ScalarNode scalar)
                    || keyNode.getAnchor() != null
                    || self.explicitTag(keyNode).isPresent()) {
                problems.add(line, self.path(), "a key here is not a plain word. Write keys as 'name: value'.");
                continue;
            }
            if (keyNode.getTag().equals(Tag.MERGE)) {
                problems.add(line, self.path(), "merge keys (<<) are not supported. Write the keys out in full.");
                continue;
            }
            String key = scalar.getValue();
            String path = child(key);
            Integer first = firstLine.putIfAbsent(key, line);
            if (first != null) {
                problems.add(
                        line, path, "'" + key + "' is set twice, first on line " + first + ". Remove one of the two.");
            } else if (refusedKeys.containsKey(key)) {
                problems.add(line, path, refusedKeys.get(key));
                refused = true;
            } else if (!knownKeys.contains(key)) {
                problems.add(line, path, "unknown key '" + key + "'. " + unknownKeyFix(key, knownKeys));
            } else {
                entries.put(key, self.child(tuple.getValueNode(), path, line));
            }
        }
    }

    String path() {
        return self.path();
    }

    /** The line of this mapping's key (or list item): where a missing key is reported. */
    int line() {
        return self.line();
    }

    /** Whether a refused key was written (and reported) in this mapping. */
    boolean hasRefusedKey() {
        return refused;
    }

    String child(String key) {
        return self.path().isEmpty() ? key : self.path() + "." + key;
    }

    /** The value of a key, or empty when it is absent or empty. */
    Optional<YamlValue> optional(String key) {
        YamlValue value = entries.get(key);
        return value == null || (value.isNull() && value.isSupported()) ? Optional.empty() : Optional.of(value);
    }

    /** The key read with {@code read}, {@code fallback} when it is absent, or empty when it is invalid. */
    <T> Optional<T> get(String key, T fallback, Function<YamlValue, Optional<T>> read) {
        Optional<YamlValue> value = optional(key);
        return value.isPresent() ? read.apply(value.get()) : Optional.of(fallback);
    }

    /**
     * The key read with {@code read}; empty when it is invalid, or absent, which is reported.
     *
     * @param fix how to add it, as a sentence, e.g. "Add 'name: tank-1' naming the pair."
     */
    <T> Optional<T> require(String key, String fix, Function<YamlValue, Optional<T>> read) {
        Optional<YamlValue> value = optional(key);
        if (value.isPresent()) {
            return read.apply(value.get());
        }
        missing(key, ". " + fix);
        return Optional.empty();
    }

    /**
     * Reports a key that must be written but is absent (on this mapping's line) or empty (on its own).
     *
     * @param rest what follows "required key is missing" or "required key has no value": ". " and the
     *     fix, or ": ", why the key is required here, ". " and the fix
     */
    void missing(String key, String rest) {
        YamlValue empty = entries.get(key);
        if (empty != null) {
            empty.report("required key has no value" + rest);
        } else {
            self.problems().add(line(), child(key), "required key is missing" + rest);
        }
    }

    private static String unknownKeyFix(String key, List<String> knownKeys) {
        String best = null;
        int bestDistance = SUGGEST_WITHIN + 1;
        for (String known : knownKeys) {
            int d = editDistance(key, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        if (best != null) {
            return "Did you mean '" + best + "'?";
        }
        return "Remove it, or use one of: " + String.join(", ", knownKeys) + ".";
    }

    /** Levenshtein distance: insertions, deletions and substitutions, case-sensitive. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
