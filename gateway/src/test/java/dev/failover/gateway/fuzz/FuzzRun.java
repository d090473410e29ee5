package dev.failover.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one fuzz target on a {@link Mutator}'s inputs and checks that no input broke a property.
 *
 * <p>By default a run is a fixed number of inputs from a fixed seed, a few seconds' work, so a CI run
 * is bounded and repeatable. System properties change that for a longer run (docs/security.md,
 * "Fuzzing"): {@code fuzz.seconds} runs each target for that long instead, {@code fuzz.inputs} sets
 * the count, {@code fuzz.seed} the seed. A run prints its count, its rate and what the target made of
 * the inputs; each failing input is saved under {@code target/fuzz-failures/} with its seed and index.
 */
final class FuzzRun {

    /** What a target does with one input: returns a short label of the outcome, or throws. */
    @FunctionalInterface
    interface Target {
        String accept(byte[] input) throws Exception;
    }

    /** How many kinds of failure (exception and where it escaped) are described, the first input of each. */
    private static final int FAILURES_KEPT = 10;

    private final String name;
    private final long seed;
    private final int inputs;
    private final Duration duration;

    private FuzzRun(String name, long seed, int inputs, Duration duration) {
        this.name = name;
        this.seed = seed;
        this.inputs = inputs;
        this.duration = duration;
    }

    /**
     * A run of {@code defaultInputs} inputs from {@code defaultSeed}, unless the system properties say
     * otherwise.
     */
    static FuzzRun of(String name, long defaultSeed, int defaultInputs) {
        long seconds = Long.getLong("fuzz.seconds", 0);
        return new FuzzRun(
                name,
                Long.getLong("fuzz.seed", defaultSeed),
                Integer.getInteger("fuzz.inputs", defaultInputs),
                seconds > 0 ? Duration.ofSeconds(seconds) : null);
    }

    long seed() {
        return seed;
    }

    /**
     * Feeds the target inputs until the count (or the time) is reached, prints the figures, and fails
     * the test if any input made the target throw.
     */
    void run(Mutator mutator, Target target) {
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, String> failures = new java.util.LinkedHashMap<>();
        int failed = 0;
        long start = System.nanoTime();
        long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        long slowest = 0;
        int slowestIndex = 0;
        byte[] slowestInput = new byte[0];
        int index = 0;
        while (duration == null ? index < inputs : System.nanoTime() < end) {
            byte[] input = mutator.next();
            long t0 = System.nanoTime();
            try {
                outcomes.merge(target.accept(input), 1, Integer::sum);
            } catch (Exception | AssertionError | StackOverflowError | OutOfMemoryError e) {
                failed++;
                String where = where(e);
                outcomes.merge("FAILED " + where, 1, Integer::sum);
                if (failures.size() < FAILURES_KEPT && !failures.containsKey(where)) {
                    failures.put(where, describe(index, input, e));
                }
            }
            long took = System.nanoTime() - t0;
            if (took > slowest) {
                slowest = took;
                slowestIndex = index;
                slowestInput = input;
            }
            index++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "fuzz %s: %d inputs in %.1f s (%.0f inputs/s), seed %d, %d failed, slowest input #%d %.1f ms (%d bytes);"
                        + " outcomes %s%n",
                name,
                index,
                seconds,
                index / seconds,
                seed,
                failed,
                slowestIndex,
                slowest / 1e6,
                slowestInput.length,
                outcomes);
        save("slowest", slowestIndex, slowestInput);
        assertThat(failures.values())
                .as("%s: %d of %d inputs broke a property (seed %d); the first of each kind", name, failed, index, seed)
                .isEmpty();
    }

    /** The exception's class and the first frame of the project's code it passed: where it escaped. */
    private static String where(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().startsWith("dev.failover.")
                    && !frame.getClassName().startsWith("dev.failover.gateway.fuzz.")) {
                String simple =
                        frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1);
                return e.getClass().getSimpleName() + " at " + simple + "." + frame.getMethodName() + ":"
                        + frame.getLineNumber();
            }
        }
        // HotSpot throws a preallocated exception, without its trace, once one has been thrown often
        // from compiled code (-XX:-OmitStackTraceInFastThrow keeps the traces).
        return e.getClass().getSimpleName() + (e.getStackTrace().length == 0 ? " (trace omitted by the JVM)" : "");
    }

    /** Saves an input under target/fuzz-failures (the slowest one too, to look at); returns where. */
    private String save(String what, int index, byte[] input) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
            Path file = dir.resolve(name + "-seed" + seed + "-" + what + index + ".bin");
            Files.write(file, input);
            return file.toAbsolutePath().toString();
        } catch (IOException notSaved) {
            return "not saved: " + notSaved.getMessage();
        }
    }

    private String describe(int index, byte[] input, Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        String saved = save("input", index, input);
        String base64 = Base64.getEncoder().encodeToString(input);
        return "input " + index + " (" + input.length + " bytes, " + saved + ", base64 "
                + (base64.length() > 600 ? base64.substring(0, 600) + "..." : base64) + "):\n" + trace;
    }
}
