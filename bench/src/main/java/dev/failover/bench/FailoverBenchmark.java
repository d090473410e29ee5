package dev.failover.bench;

import dev.failover.certs.PkiException;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.testkit.FaultType;
import dev.failover.testkit.SimPair;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Measures failover, in sections run in this order (docs/benchmarks.md):
 *
 * <ul>
 *   <li>{@code unloaded}: RTO per {@link FaultType} on an in-process pair ({@link RtoRun}), split into
 *       detection and switchover, then a jitter run of transient faults that must cause no failover;
 *   <li>{@code starvation}: the same table beside two busy loops per core ({@link StarvationSection});
 *   <li>{@code soak}: a healthy pair with the gateway as a child process, paused by SIGSTOP and losing
 *       single polls under full load, then a crash of the active ({@link SoakSection});
 *   <li>{@code fast}: the unloaded table and a soak with 5 ms polls ({@link FastProfileSection}).
 * </ul>
 *
 * Each section prints its figures and targets as it ends. Exit code 0 when every target was met, 1
 * when one was missed, 3 when a section could not run (what ran is still printed and written).
 */
public final class FailoverBenchmark {

    static final double RTO_P99_TARGET_MS = 100;

    /** The benchmark's sections, in the order they run. */
    public enum Section {
        UNLOADED,
        STARVATION,
        SOAK,
        FAST
    }

    /**
     * @param sections the sections to run
     * @param faultsPerType counted faults of each type in each RTO table
     * @param jitterRuns transient faults of the unloaded section's jitter run
     * @param tls Modbus/TCP Security to the controllers, else plain Modbus TCP
     * @param soak the default profile's soak (zero: none)
     * @param fastSoak the fast profile's soak (zero: none)
     * @param outFile where the figures are also written, or {@code null}
     */
    public record Settings(
            Set<Section> sections,
            int faultsPerType,
            int jitterRuns,
            boolean tls,
            Duration soak,
            Duration fastSoak,
            String outFile) {

        public Settings {
            sections = Set.copyOf(sections);
        }
    }

    private final PrintStream out;

    public FailoverBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Runs the sections of {@code s}; returns the exit code. */
    public int run(Settings s) {
        // The default policy except a 100 ms hold-down, so that trials can follow each other.
        FailoverPolicy policy = FailoverPolicy.defaults()
                .withHoldDown(Duration.ofMillis(100))
                .withStorm(1_000_000, Duration.ofMinutes(1));
        StringBuilder report = new StringBuilder();
        boolean met = true;
        int code;
        try (ChildProcessGuard guard = ChildProcessGuard.install()) {
            for (Section section : Section.values()) {
                if (!s.sections().contains(section)) {
                    continue;
                }
                if (!report.isEmpty()) {
                    out.println();
                    report.append('\n');
                }
                String title = "== " + section.name().toLowerCase(Locale.ROOT) + " ==\n";
                out.print(title);
                SectionResult r = section(section, s, policy);
                report.append(title).append(r.text());
                met &= r.met();
            }
            code = met ? 0 : 1;
            String summary = "\nAll targets of the sections run: " + (met ? "MET" : "MISSED") + "\n";
            out.print(summary);
            report.append(summary);
        } catch (IOException | TimeoutException | PkiException | RuntimeException e) {
            String why = "benchmark failed: " + (e instanceof RuntimeException ? e.toString() : e.getMessage());
            out.println(why);
            report.append(why).append('\n');
            code = 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        }
        if (s.outFile() != null) {
            try {
                Files.writeString(Path.of(s.outFile()), report, StandardCharsets.UTF_8);
            } catch (IOException e) {
                out.println("cannot write " + s.outFile() + ": " + e.getMessage());
                return 3;
            }
        }
        return code;
    }

    private SectionResult section(Section section, Settings s, FailoverPolicy policy)
            throws IOException, TimeoutException, PkiException, InterruptedException {
        return switch (section) {
            case UNLOADED -> unloaded(s, policy);
            case STARVATION -> new StarvationSection(out).run(policy, s.tls(), s.faultsPerType());
            case SOAK ->
                s.soak().isZero()
                        ? skipped("--soak 0")
                        : new SoakSection(out)
                                .run(new SoakSection.Settings(
                                        "default profile",
                                        s.soak(),
                                        SoakSection.DEFAULT_FAILOVER,
                                        SimPair.DEFAULT_SCAN,
                                        s.tls()));
            case FAST -> new FastProfileSection(out).run(policy, s.tls(), s.faultsPerType(), s.fastSoak());
        };
    }

    private SectionResult unloaded(Settings s, FailoverPolicy policy)
            throws IOException, TimeoutException, PkiException, InterruptedException {
        RtoRun.Result r = new RtoRun(out)
                .run(new RtoRun.Settings(policy, s.tls(), s.faultsPerType(), s.jitterRuns(), 0, SimPair.DEFAULT_SCAN));
        boolean met = r.worstP99() <= RTO_P99_TARGET_MS
                && r.falseFailovers() == 0
                && r.failedTrials() == 0
                && r.overlaps() == 0;
        String text = r.text()
                + String.format(
                        Locale.ROOT,
                        "Targets (RTO p99 <= %.0f ms, zero false failovers, no failed trial, no split brain): %s%n",
                        RTO_P99_TARGET_MS,
                        verdict(met, r));
        out.print(text);
        return new SectionResult(text, met);
    }

    private SectionResult skipped(String why) {
        String text = "(skipped: " + why + ")\n";
        out.print(text);
        return new SectionResult(text, true);
    }

    /** "MET", or "MISSED" with the failed trials and the worst p99. */
    static String verdict(boolean met, RtoRun.Result r) {
        return met
                ? "MET"
                : String.format(
                        Locale.ROOT,
                        "MISSED (%d failed trial(s), %d false failover(s), worst p99 %.1f ms)",
                        r.failedTrials(),
                        r.falseFailovers(),
                        r.worstP99());
    }
}
