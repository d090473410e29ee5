package dev.failover.bench;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** The figures of the scale benchmark, one {@link Run} per pair count, and their text report. */
final class ScaleReport {

    /** Issue 10's targets for the gateway supervising one pair. */
    static final double CPU_TARGET_PERCENT = 3;

    static final double RSS_TARGET_MB = 200;

    /** No allocation figure. */
    static final HeapAllocation.Rate NO_RATE = new HeapAllocation.Rate(OptionalDouble.empty(), Double.NaN, 0);

    /** One thread of the gateway and its CPU over the window, % of one core. */
    record ThreadCpu(String name, double percent) {}

    /**
     * The figures of one pair count. {@code failure} is empty when the run completed; otherwise what
     * stopped it, and the figures are those measured before.
     *
     * @param cpuPercent the gateway's CPU over the window, % of one core
     * @param rssMb the largest resident set size sampled in the window (a sample a second)
     * @param threads the most threads sampled in the window
     * @param alloc the gateway's allocation rate (empty and NaN when not measured; {@code allocNote} says why)
     * @param rto the outside RTO of each crash, ms
     * @param failedCrashes crashes after which the standby did not take over in time
     * @param roleChangesAtStart role changes while the gateway started, until every pair was protected
     * @param roleChanges role changes that no crash explains from then to the last crash: false failovers
     * @param benchCpuPercent this JVM's CPU over the window (the simulated controllers), % of one core
     * @param loadAverage the machine's one-minute load average at the end of the window
     */
    record Run(
            int pairs,
            double cpuPercent,
            double rssMb,
            int threads,
            HeapAllocation.Rate alloc,
            String allocNote,
            Stats rto,
            int crashes,
            int failedCrashes,
            ScalePairs.RoleChanges roleChangesAtStart,
            ScalePairs.RoleChanges roleChanges,
            List<ThreadCpu> topThreads,
            double benchCpuPercent,
            String loadAverage,
            String failure) {

        static Run failed(int pairs, String failure) {
            return new Run(
                    pairs,
                    Double.NaN,
                    Double.NaN,
                    0,
                    NO_RATE,
                    "",
                    new Stats(),
                    0,
                    0,
                    new ScalePairs.RoleChanges(0, 0),
                    new ScalePairs.RoleChanges(0, 0),
                    List.of(),
                    Double.NaN,
                    "",
                    failure);
        }

        /** These footprint figures with the crashes' figures and the false failovers. */
        Run withCrashes(
                Stats rto,
                int crashes,
                int failedCrashes,
                ScalePairs.RoleChanges roleChangesAtStart,
                ScalePairs.RoleChanges roleChanges) {
            return new Run(
                    pairs,
                    cpuPercent,
                    rssMb,
                    threads,
                    alloc,
                    allocNote,
                    rto,
                    crashes,
                    failedCrashes,
                    roleChangesAtStart,
                    roleChanges,
                    topThreads,
                    benchCpuPercent,
                    loadAverage,
                    failure);
        }

        Run withFailure(String why) {
            return new Run(
                    pairs,
                    cpuPercent,
                    rssMb,
                    threads,
                    alloc,
                    allocNote,
                    rto,
                    crashes,
                    failedCrashes,
                    roleChangesAtStart,
                    roleChanges,
                    topThreads,
                    benchCpuPercent,
                    loadAverage,
                    why);
        }

        boolean completed() {
            return failure.isEmpty();
        }
    }

    private ScaleReport() {}

    /** The rate, "< bound" with fewer than two young collections in the window, or "n/a". */
    static String allocation(HeapAllocation.Rate rate) {
        if (rate.megabytesPerSecond().isPresent()) {
            return String.format(Locale.ROOT, "%.2f", rate.megabytesPerSecond().getAsDouble());
        }
        return Double.isNaN(rate.atMostMegabytesPerSecond())
                ? "n/a"
                : String.format(Locale.ROOT, "< %.2f", rate.atMostMegabytesPerSecond());
    }

    /** The table, the RTO detail, the thread breakdown of one pair, and the targets. */
    static String render(String header, List<Run> runs) {
        StringBuilder s = new StringBuilder(header);
        s.append(String.format(
                Locale.ROOT,
                "%n%5s | %9s | %8s | %6s | %7s | %10s | %25s | %s%n",
                "pairs",
                "CPU %core",
                "CPU/pair",
                "RSS MB",
                "threads",
                "alloc MB/s",
                "RTO median / p99 / max ms",
                "false failovers"));
        for (Run r : runs) {
            s.append(String.format(
                    Locale.ROOT,
                    "%5d | %9.2f | %8.3f | %6.1f | %7d | %10s | %25s | %d%s%s%n",
                    r.pairs(),
                    r.cpuPercent(),
                    r.cpuPercent() / r.pairs(),
                    r.rssMb(),
                    r.threads(),
                    allocation(r.alloc()),
                    r.rto().count() == 0
                            ? "-"
                            : String.format(
                                    Locale.ROOT,
                                    "%.1f / %.1f / %.1f",
                                    r.rto().quantile(0.5),
                                    r.rto().quantile(0.99),
                                    r.rto().max()),
                    r.roleChanges().changes(),
                    r.roleChangesAtStart().changes() == 0
                            ? ""
                            : " (+" + r.roleChangesAtStart().changes() + " at start)",
                    r.completed() ? "" : "  FAILED"));
        }
        s.append(String.format(
                Locale.ROOT,
                "%nPer pair count: the RTO from outside, from the crash of the active to the standby reporting"
                        + " ACTIVE and driving (min / median / p99 / max ms); false failovers; allocation:%n"));
        for (Run r : runs) {
            s.append(String.format(
                    Locale.ROOT,
                    "  %3d pair(s): %s over %d crash(es), %d failed; controllers' JVM %.1f %%"
                            + " of a core, load average %s%n",
                    r.pairs(),
                    r.rto().count() == 0 ? "no figures" : r.rto().summary(),
                    r.crashes(),
                    r.failedCrashes(),
                    r.benchCpuPercent(),
                    r.loadAverage()));
            s.append(String.format(
                    Locale.ROOT,
                    "        false failovers: %d role change(s) that no crash explains in %d pair(s) from every pair"
                            + " protected to the last crash; %d in %d pair(s) while the gateway started%n",
                    r.roleChanges().changes(),
                    r.roleChanges().pairs(),
                    r.roleChangesAtStart().changes(),
                    r.roleChangesAtStart().pairs()));
            s.append("        allocation: ")
                    .append(
                            r.allocNote().isEmpty()
                                    ? r.alloc().collections() + " young collection(s) in the window"
                                    : r.allocNote())
                    .append('\n');
            if (!r.completed()) {
                s.append("        FAILED: ")
                        .append(r.failure().replace("\n", "\n        "))
                        .append('\n');
            }
        }
        runs.stream().filter(r -> !r.topThreads().isEmpty()).findFirst().ifPresent(r -> {
            s.append(String.format(
                    Locale.ROOT,
                    "%nThe gateway's threads with %d pair(s), top %d by CPU (%% of one core):%n",
                    r.pairs(),
                    r.topThreads().size()));
            r.topThreads().forEach(t -> s.append(String.format(Locale.ROOT, "  %-16s %6.2f%n", t.name(), t.percent())));
        });
        runs.stream()
                .filter(r -> r.pairs() == 1 && r.completed())
                .findFirst()
                .ifPresent(r -> s.append(String.format(
                        Locale.ROOT,
                        "%nTargets for one pair (issue 10): CPU < %.0f %% of a core: %s (%.2f %%); RSS < %.0f MB: %s"
                                + " (%.1f MB)%n",
                        CPU_TARGET_PERCENT,
                        r.cpuPercent() < CPU_TARGET_PERCENT ? "MET" : "MISSED",
                        r.cpuPercent(),
                        RSS_TARGET_MB,
                        r.rssMb() < RSS_TARGET_MB ? "MET" : "MISSED",
                        r.rssMb())));
        return s.toString();
    }
}
