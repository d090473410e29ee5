package dev.failover.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * A JVM's allocation rate, seen from outside with {@code jstat -gc -t <pid> 100}: jstat reads the
 * target's performance counters from its shared-memory file (hsperfdata), so the measured JVM does no
 * work for it (an attach, as {@code jcmd GC.heap_info} makes, would start a thread in it and stop it at
 * a safepoint). Those counters give eden's occupancy only as of the last collection under the serial
 * collector (EU reads 0 between collections), so the rate is taken between collections: a young
 * collection starts when eden is full, so from the first young collection seen in the window to the
 * last, the JVM allocated one eden (its capacity just before) per collection after the first ({@link
 * #rate(List)}). Objects too large for eden that go straight to the old generation are not seen, and
 * eden is never quite full at a collection (the unused ends of TLABs): a slight underestimate. With
 * fewer than two young collections in the window there is only a bound. Unavailable when the JDK has
 * no jstat or the JVM runs with {@code -XX:-UsePerfData}. Not thread-safe except {@link #close()}.
 */
final class HeapAllocation implements AutoCloseable {

    /** One jstat line: seconds since the JVM started, eden capacity (kB), young collections so far. */
    record Sample(double seconds, double edenCapacityKb, long youngCollections) {}

    /**
     * The rate between the first and the last young collection of a window, or, with fewer than two,
     * the most the JVM can have allocated: less than one eden more than it collected, over the window.
     *
     * @param megabytesPerSecond the rate, when two or more young collections were seen
     * @param atMostMegabytesPerSecond the bound otherwise (NaN with fewer than two samples)
     * @param collections young collections in the window
     */
    record Rate(OptionalDouble megabytesPerSecond, double atMostMegabytesPerSecond, long collections) {}

    private static final int SAMPLE_MILLIS = 100;

    private final Process jstat;
    private final Thread reader;
    private final List<Sample> samples = new ArrayList<>();
    private volatile String problem = "";

    private HeapAllocation(Process jstat) {
        this.jstat = jstat;
        this.reader = Thread.ofPlatform().name("jstat-reader").daemon(true).start(this::read);
    }

    /**
     * Starts sampling {@code pid} every {@value #SAMPLE_MILLIS} ms with the jstat of the JDK at {@code javaHome}.
     *
     * @throws IOException if that JDK has no jstat or it cannot be started
     */
    static HeapAllocation start(Path javaHome, long pid) throws IOException {
        Path jstat = javaHome.resolve("bin").resolve("jstat");
        if (!Files.isExecutable(jstat)) {
            throw new IOException(jstat + " not found (a JRE without the JDK tools)");
        }
        return new HeapAllocation(
                new ProcessBuilder(jstat.toString(), "-gc", "-t", Long.toString(pid), Integer.toString(SAMPLE_MILLIS))
                        .redirectErrorStream(true)
                        .start());
    }

    private void read() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
            String header = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.strip().startsWith("Timestamp")) {
                    header = line;
                } else if (header != null && !line.isBlank()) {
                    Sample s = parse(header, line);
                    synchronized (samples) {
                        samples.add(s);
                    }
                } else if (!line.isBlank()) {
                    problem = line.strip();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            problem = e.toString();
        }
    }

    /** The rate over the samples so far (see {@link #rate(List)}). */
    Rate rate() {
        List<Sample> copy;
        synchronized (samples) {
            copy = List.copyOf(samples);
        }
        return rate(copy);
    }

    /** Why there is no figure: jstat's own message (for example, it could not attach), or empty text. */
    String problem() {
        return problem;
    }

    /**
     * Parses one line of {@code jstat -gc -t} against its header: the columns Timestamp, EC and YGC by
     * name (their order and the other columns differ between JDK versions and collectors).
     *
     * @throws IllegalArgumentException if a column is missing or not a number
     */
    static Sample parse(String header, String line) {
        List<String> names = Arrays.asList(header.strip().split("\\s+"));
        String[] values = line.strip().split("\\s+");
        if (values.length != names.size()) {
            throw new IllegalArgumentException(
                    "jstat line has " + values.length + " columns, its header " + names.size() + ": " + line);
        }
        return new Sample(
                number(names, values, "Timestamp"), number(names, values, "EC"), (long) number(names, values, "YGC"));
    }

    private static double number(List<String> names, String[] values, String column) {
        int i = names.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("jstat has no column " + column + ": " + names);
        }
        try {
            return Double.parseDouble(values[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jstat column " + column + " is '" + values[i] + "'", e);
        }
    }

    /**
     * The allocation rate of a window of samples. A sample whose young collection count rose since the
     * one before marks collections; from the first such sample to the last, each collection after the
     * first took one eden of the capacity sampled just before it.
     */
    static Rate rate(List<Sample> samples) {
        if (samples.size() < 2) {
            return new Rate(OptionalDouble.empty(), Double.NaN, 0);
        }
        int first = -1;
        int last = -1;
        double kb = 0;
        for (int i = 1; i < samples.size(); i++) {
            long collections =
                    samples.get(i).youngCollections() - samples.get(i - 1).youngCollections();
            if (collections > 0) {
                // Of the collections at the first mark, only those after the first are whole edens in the span.
                kb += (first < 0 ? collections - 1 : collections)
                        * samples.get(i - 1).edenCapacityKb();
                first = first < 0 ? i : first;
                last = i;
            }
        }
        long collections =
                samples.getLast().youngCollections() - samples.getFirst().youngCollections();
        double seconds =
                last > first ? samples.get(last).seconds() - samples.get(first).seconds() : 0;
        if (collections >= 2 && seconds > 0) {
            return new Rate(OptionalDouble.of(kb / 1024 / seconds), Double.NaN, collections);
        }
        double window = samples.getLast().seconds() - samples.getFirst().seconds();
        double eden = samples.stream().mapToDouble(Sample::edenCapacityKb).max().orElse(0);
        return new Rate(OptionalDouble.empty(), (collections + 1) * eden / 1024 / window, collections);
    }

    @Override
    public void close() throws InterruptedException {
        jstat.destroy();
        if (!jstat.waitFor(5, TimeUnit.SECONDS)) {
            jstat.destroyForcibly();
            jstat.waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(2_000);
    }
}
