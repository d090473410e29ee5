package dev.failover.gateway.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A configuration file that cannot be used: unreadable, not valid YAML, or breaking a rule of the
 * schema. Carries every problem found, not just the first, so that one run of {@code gateway
 * check-config} shows them all. {@link #getMessage()} lists them one per line, in file order.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<ConfigProblem> problems;

    /**
     * @param problems at least one problem
     * @param cause the I/O or parser exception behind a single problem, or {@code null}
     */
    public ConfigException(List<ConfigProblem> problems, Throwable cause) {
        super(render(problems), cause);
        this.problems = List.copyOf(problems);
    }

    public ConfigException(List<ConfigProblem> problems) {
        this(problems, null);
    }

    /** The problems in file order (by line); never empty. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        return problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }

    /**
     * One thing wrong with a configuration file.
     *
     * <p>{@link #toString()} is the line shown to the operator:
     * {@code <file name>:<line>: <key path>: <what is wrong>. <how to fix>}, for example
     * {@code gateway.yaml:14: pairs[0].failover.pollPeriod: '5x' is not a duration. Write a number with
     * a unit: 20ms, 2s, 5m or 1h.} Only the file's name is shown, not its folder, to keep messages short.
     * The line part is left out when {@code line} is 0 and the key part when {@code key} is empty.
     *
     * @param file the configuration file
     * @param line 1-based line of the offending key or value; 0 when the problem concerns the whole file
     * @param key the key path, with dots and [index], e.g. {@code pairs[0].controllers[1].id}; empty
     *     when the problem is not about one key (unreadable file, broken syntax)
     * @param message what is wrong and how to fix it, as one or two sentences
     */
    public record ConfigProblem(Path file, int line, String key, String message) {

        public ConfigProblem {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(message, "message");
            if (line < 0) {
                throw new IllegalArgumentException("line must be 0 (none) or 1-based, got " + line);
            }
        }

        @Override
        public String toString() {
            Path name = file.getFileName();
            StringBuilder out = new StringBuilder(String.valueOf(name == null ? file : name));
            if (line > 0) {
                out.append(':').append(line);
            }
            out.append(": ");
            if (!key.isEmpty()) {
                out.append(key).append(": ");
            }
            return out.append(message).toString();
        }
    }
}
