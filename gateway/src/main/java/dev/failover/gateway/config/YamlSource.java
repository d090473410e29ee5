package dev.failover.gateway.config;

import dev.failover.gateway.config.ConfigException.ConfigProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * The text of a configuration file, read and checked against the limits before SnakeYAML composes
 * it into nodes (docs/configuration.md, "Limits"): at most {@value #MAX_BYTES} bytes of UTF-8 text
 * without control characters, mappings and lists nested at most {@value #MAX_DEPTH} deep, at most
 * {@value #MAX_ALIASES} aliases. Each limit is checked here, where the line is known, so that
 * SnakeYAML's own limits (set at or above these) are never the ones hit: its messages name no line.
 *
 * <p>Stateless and thread-safe.
 */
final class YamlSource {

    /** The largest configuration file read, in bytes; a text's limit in characters for {@link #compose}. */
    static final int MAX_BYTES = 3 * 1024 * 1024;

    /** How deep mappings and lists may nest; the schema itself needs 6 levels. */
    static final int MAX_DEPTH = 20;

    /**
     * Aliases are refused (YamlValue reports each with its key); beyond this many, reading stops at
     * once, as a file made of aliases is a "billion laughs" file, not a configuration.
     */
    static final int MAX_ALIASES = 50;

    /**
     * A composed document.
     *
     * @param root the root node, or {@code null} for a file without content
     * @param explicitTags the tags written in the file ({@code !!str}, {@code !}, {@code !custom}), by
     *     the start index of the node that carries them; SnakeYAML's nodes do not tell a written tag
     *     from one it resolved
     */
    record Composed(Node root, Map<Integer, String> explicitTags) {}

    private YamlSource() {}

    /**
     * Reads {@code file} as UTF-8 text, at most {@value #MAX_BYTES} bytes.
     *
     * @throws ConfigException if it cannot be read, is too large or is not UTF-8 text
     */
    static String read(Path file) throws ConfigException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // Bounded, so that a huge file (or a device such as /dev/zero) is never read whole.
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw single(
                    file,
                    0,
                    "cannot read the file (" + ConfigLoader.reason(e) + "). Check the path and permissions.",
                    e);
        }
        if (bytes.length > MAX_BYTES) {
            throw single(
                    file,
                    0,
                    "the file has more than " + MAX_BYTES + " bytes (3 MiB), the limit for a configuration file."
                            + " Check that this is the gateway's configuration: one of 50 pairs has well under"
                            + " 1 MiB.",
                    null);
        }
        return decode(bytes, file);
    }

    private static String decode(byte[] bytes, Path file) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never decodes to more chars than it has bytes.
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            String before = new String(bytes, 0, offset, StandardCharsets.UTF_8);
            int intoLine = before.substring(lineStart(before, before.length())).getBytes(StandardCharsets.UTF_8).length;
            throw single(
                    file,
                    line(before, before.length()),
                    String.format(
                                    Locale.ROOT,
                                    "the file is not UTF-8 text: byte 0x%02X (byte %d of this line) is not valid"
                                            + " UTF-8.",
                                    bytes[offset] & 0xFF,
                                    intoLine + 1)
                            + " Save the file as UTF-8; if it is binary, it is not a configuration file.",
                    null);
        }
        if (result.isOverflow()) {
            throw new IllegalStateException("UTF-8 decoded to more chars than bytes");
        }
        return out.flip().toString();
    }

    /**
     * Checks {@code yaml} against the limits and composes it.
     *
     * @throws ConfigException naming the line and the limit or the syntax error
     */
    static Composed compose(String yaml, Path source) throws ConfigException {
        if (yaml.length() > MAX_BYTES) {
            throw single(
                    source,
                    0,
                    "the text has " + yaml.length() + " characters, more than the limit of " + MAX_BYTES
                            + " for a configuration. Check that this is the gateway's configuration.",
                    null);
        }
        checkCharacters(yaml, source);
        LoaderOptions options = options();
        Map<Integer, String> explicitTags = new HashMap<>();
        try {
            scan(yaml, options, explicitTags, source);
            Node root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yaml));
            return new Composed(root, Map.copyOf(explicitTags));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            if (problem.startsWith("but ") && e.getContext() != null) {
                // "but found another document" only makes sense after its context.
                problem = e.getContext() + ", " + problem;
            }
            throw syntaxError(source, line, problem, e);
        } catch (ReaderException e) {
            // Not expected after checkCharacters, which applies the same rule with the line.
            int at = Math.min(e.getPosition(), yaml.codePointCount(0, yaml.length()));
            throw syntaxError(source, line(yaml, yaml.offsetByCodePoints(0, at)), e.getMessage(), e);
        } catch (YAMLException e) {
            throw syntaxError(source, 0, e.getMessage(), e);
        }
    }

    private static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        // At or above the limits scan() checks with a line; these only back them up.
        options.setCodePointLimit(MAX_BYTES);
        options.setNestingDepthLimit(MAX_DEPTH + 1);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        // Global tags pass the composer so that YamlValue refuses them, with their key, like every
        // other tag. Nodes are only composed, never constructed into objects, so a tag runs nothing.
        options.setTagInspector(tag -> true);
        return options;
    }

    /**
     * One pass over the parser's events before composing: the nesting depth and the number of aliases,
     * which SnakeYAML's composer limits without naming a line, and the tags written in the file.
     */
    private static void scan(String yaml, LoaderOptions options, Map<Integer, String> explicitTags, Path source)
            throws ConfigException {
        int depth = 0;
        int aliases = 0;
        for (Event event : new Yaml(new SafeConstructor(options)).parse(new StringReader(yaml))) {
            switch (event) {
                case AliasEvent alias -> {
                    if (++aliases > MAX_ALIASES) {
                        throw single(
                                source,
                                lineOf(alias.getStartMark()),
                                "more than " + MAX_ALIASES + " aliases (*" + alias.getAnchor() + "): reading stops"
                                        + " here. Anchors and aliases are not supported: write the values out in"
                                        + " full.",
                                null);
                    }
                }
                case CollectionStartEvent start -> {
                    if (++depth > MAX_DEPTH) {
                        throw single(
                                source,
                                lineOf(start.getStartMark()),
                                "mappings and lists are nested more than " + MAX_DEPTH + " deep here, the limit:"
                                        + " reading stops here. Check the indentation: the configuration itself"
                                        + " needs 6 levels.",
                                null);
                    }
                    remember(start.getTag(), start.getStartMark(), explicitTags);
                }
                case CollectionEndEvent end -> depth--;
                case ScalarEvent scalar -> remember(scalar.getTag(), scalar.getStartMark(), explicitTags);
                default -> {}
            }
        }
    }

    private static void remember(String tag, Mark at, Map<Integer, String> explicitTags) {
        if (tag != null) {
            explicitTags.put(at.getIndex(), tag.replace(Tag.PREFIX, "!!"));
        }
    }

    /** YAML text holds printable characters, tab and line breaks only (YAML 1.1, 5.1); SnakeYAML's rule. */
    private static void checkCharacters(String yaml, Path source) throws ConfigException {
        int first = -1;
        int count = 0;
        for (int i = 0; i < yaml.length(); ) {
            int c = yaml.codePointAt(i);
            if (!StreamReader.isPrintable(c)) {
                if (first < 0) {
                    first = i;
                }
                count++;
            }
            i += Character.charCount(c);
        }
        if (first < 0) {
            return;
        }
        int c = yaml.codePointAt(first);
        String where = "column " + (first - lineStart(yaml, first) + 1)
                + (count > 1 ? ", and " + (count - 1) + " more in the file" : "");
        String message = c == 0
                ? "the file holds a NUL character (" + where + "): it is binary or damaged, or saved as UTF-16."
                        + " Check that this is the configuration file, and save it as UTF-8 text."
                : String.format(Locale.ROOT, "the character U+%04X (%s) is not allowed in YAML, which takes", c, where)
                        + " printable characters, tabs and line breaks only. Remove it.";
        throw single(source, line(yaml, first), message, null);
    }

    /** The 1-based line of {@code index}, counting line breaks as SnakeYAML does (YAML 1.1). */
    static int line(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                line++;
            } else if (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                line++;
            }
        }
        return line;
    }

    private static int lineStart(String text, int index) {
        for (int i = index - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return i + 1;
            }
        }
        return 0;
    }

    private static int lineOf(Mark mark) {
        return mark.getLine() + 1;
    }

    private static ConfigException syntaxError(Path file, int line, String problem, YAMLException cause) {
        return single(
                file,
                line,
                "not valid YAML (" + problem + "). "
                        + (line > 0 ? "Fix the syntax near that line." : "Fix the file's syntax."),
                cause);
    }

    private static ConfigException single(Path file, int line, String message, Throwable cause) {
        return new ConfigException(List.of(new ConfigProblem(file, line, "", message)), cause);
    }
}
