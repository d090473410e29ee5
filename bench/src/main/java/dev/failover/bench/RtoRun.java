package dev.failover.bench;

import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.testkit.BusyLoops;
import dev.failover.testkit.FaultType;
import dev.failover.testkit.SimPair;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;

/**
 * One RTO table on an in-process {@link SimPair} (fences on): one uncounted failover of each {@link
 * FaultType} to warm the JVM up, then {@code faultsPerType} faults of each type injected into whichever
 * controller is active, at a random phase of the poll period; RTO, detection and switchover per type.
 * Optionally beside busy loops (started once the pair is protected, before the warm-up) and followed by
 * a jitter run of transient faults. Counts false failovers (jitter faults that failed over, and
 * switchovers between trials that no injected fault caused) and, with a sampler, instants where both
 * controllers drove the process. The unloaded, starvation and fast-profile sections are runs of this
 * with their own policy and load. Not thread-safe.
 */
final class RtoRun {

    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(15);

    /**
     * @param policy the pair's failover policy
     * @param tls Modbus/TCP Security to the controllers (a throwaway test PKI), else plain Modbus TCP
     * @param faultsPerType counted faults of each type
     * @param jitterRuns transient faults of the jitter run afterwards (0: none)
     * @param busyLoopsPerCore busy loops per core while the faults are injected (0: none)
     * @param scanPeriod the controllers' scan period
     */
    record Settings(
            FailoverPolicy policy,
            boolean tls,
            int faultsPerType,
            int jitterRuns,
            int busyLoopsPerCore,
            Duration scanPeriod) {}

    /**
     * The figures of a run.
     *
     * @param text the header line, the table, and the false-failover and split-brain lines
     * @param worstP99 the largest RTO p99 over the fault types, in milliseconds
     * @param failedTrials faults that were not failed over to the standby within 5 s
     * @param falseFailovers switchovers no injected fault called for
     * @param overlaps sampler readings with both controllers driving
     */
    record Result(String text, double worstP99, int failedTrials, int falseFailovers, long overlaps) {}

    private final PrintStream out;
    private final RandomGenerator random = new SplittableRandom(42);
    private final BlockingQueue<SwitchoverReport> reports = new LinkedBlockingQueue<>();
    private int unprompted;

    /** @param out where trials that went wrong are reported as they happen */
    RtoRun(PrintStream out) {
        this.out = out;
    }

    Result run(Settings s) throws IOException, PkiException, TimeoutException, InterruptedException {
        FailoverPolicy policy = s.policy();
        Path work = s.tls() ? Files.createTempDirectory("failover-benchmark") : null;
        try (SimPair pair = work != null
                        ? SimPair.startSecure(policy, true, e -> {}, TestPki.create(work), work, s.scanPeriod())
                        : SimPair.start(policy, true, e -> {}, s.scanPeriod());
                DrivingSampler sampler = new DrivingSampler(pair)) {
            pair.supervisor().onSwitchover(reports::add);
            SimPair.await("the pair is protected", RECOVERY_TIMEOUT, () -> pair.protectedWith(SimPair.A));
            try (BusyLoops load = BusyLoops.perCore(s.busyLoopsPerCore())) {
                return measure(pair, sampler, s, load.count());
            }
        }
    }

    private Result measure(SimPair pair, DrivingSampler sampler, Settings s, int busyLoops)
            throws TimeoutException, InterruptedException {
        // One uncounted failover of each type first, so the figures describe a warmed-up JVM
        // (the first failover after start pays for class loading and JIT compilation).
        for (FaultType type : FaultType.values()) {
            trial(pair, type, new Stats(), new Stats(), new Stats());
        }
        StringBuilder text = new StringBuilder();
        header(text, s, busyLoops);
        int failedTrials = 0;
        double worstP99 = 0;
        unprompted = 0;
        for (FaultType type : FaultType.values()) {
            Stats rto = new Stats();
            Stats detection = new Stats();
            Stats switchover = new Stats();
            for (int i = 0; i < s.faultsPerType(); i++) {
                if (!trial(pair, type, rto, detection, switchover)) {
                    failedTrials++;
                }
            }
            worstP99 = Math.max(worstP99, rto.quantile(0.99));
            row(text, type, rto, detection, switchover);
        }
        drainUnprompted();
        int betweenTrials = unprompted;
        text.append(String.format(
                Locale.ROOT, "%nSwitchovers between trials that no injected fault caused: %d%n", betweenTrials));
        int jitterFailovers = 0;
        if (s.jitterRuns() > 0) {
            jitterFailovers = jitter(pair, s.jitterRuns());
            text.append(String.format(
                    Locale.ROOT,
                    "Jitter run: %d transient faults (single lost polls and 50 ms stalls, alternating): "
                            + "%d false failover(s)%n",
                    s.jitterRuns(),
                    jitterFailovers));
        }
        long overlaps = sampler.overlaps();
        text.append(String.format(
                Locale.ROOT,
                "Split brain: %d of %d samples with both controllers driving the process%n",
                overlaps,
                sampler.samples()));
        return new Result(text.toString(), worstP99, failedTrials, betweenTrials + jitterFailovers, overlaps);
    }

    /** Counts the reports that arrived since the last trial ended: no fault was injected meanwhile. */
    private void drainUnprompted() {
        unprompted += reports.size();
        reports.clear();
    }

    private boolean trial(SimPair pair, FaultType type, Stats rto, Stats detection, Stats switchover)
            throws InterruptedException, TimeoutException {
        drainUnprompted();
        String active = pair.status().activeId();
        String standby = SimPair.other(active);
        // Faults do not arrive in step with the poll grid: inject at a uniformly random phase of the
        // poll period, or every trial would start right after a poll and measure the worst phase.
        long phase = random.nextLong(
                pair.supervisor().config().failover().pollPeriod().toNanos());
        LockSupport.parkNanos(phase);
        long injected = System.nanoTime();
        type.inject(pair.plc(active).faults());
        SwitchoverReport report = reports.poll(5, TimeUnit.SECONDS);
        while (report != null && !report.ok()) {
            out.println("  " + type + ": switchover attempt failed: " + report.failure());
            report = reports.poll(5, TimeUnit.SECONDS);
        }
        pair.plc(active).faults().clear();
        boolean ok = report != null && standby.equals(report.to());
        if (ok) {
            rto.add((report.completedNanos() - injected) / 1e6);
            detection.add((report.detectedNanos() - injected) / 1e6);
            switchover.add(report.switchoverMillis());
        } else {
            out.println("  " + type + ": no failover to " + standby + " within 5 s");
        }
        String expectedActive = ok ? standby : active;
        SimPair.await(
                "the pair is protected again after " + type,
                RECOVERY_TIMEOUT,
                () -> pair.protectedWith(expectedActive));
        if (ok) {
            // The next fault must not meet the hold-down, which keeps a pair from flapping and is no part
            // of an RTO: at 5 ms polls a pair is protected again well within it, and a fault whose old
            // active still drives (a frozen heartbeat) then waited for it, ~73 ms measured as switchover.
            long wait = report.completedNanos()
                    + pair.supervisor().config().failover().holdDown().toNanos()
                    - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        return ok;
    }

    private int jitter(SimPair pair, int runs) throws InterruptedException, TimeoutException {
        drainUnprompted();
        for (int i = 0; i < runs; i++) {
            String active = pair.status().activeId();
            long injected = System.nanoTime();
            if (i % 2 == 0) {
                pair.plc(active).faults().lose(1);
            } else {
                pair.plc(active).faults().stall(Duration.ofMillis(50));
            }
            // Settled when the gateway has had a good poll well after the transient fault ended.
            long settled = injected + Duration.ofMillis(120).toNanos();
            SimPair.await(
                    "a good poll after the transient fault",
                    RECOVERY_TIMEOUT,
                    () -> pair.status().health().get(active).lastGoodNanos() > settled);
        }
        return reports.size();
    }

    private static void header(StringBuilder b, Settings s, int busyLoops) {
        FailoverPolicy p = s.policy();
        b.append(String.format(
                Locale.ROOT,
                "Failover benchmark: %d faults per type; poll %d ms, response timeout %d ms, %d misses before "
                        + "fault; in-process plc-sim pair over loopback %s, scan %d ms, fences on; after one uncounted"
                        + " warm-up failover per type; faults injected at a random phase of the poll period%s%n%n",
                s.faultsPerType(),
                p.pollPeriod().toMillis(),
                p.responseTimeout().toMillis(),
                p.missesBeforeFault(),
                s.tls() ? "Modbus/TCP Security (TLS)" : "plain Modbus TCP",
                s.scanPeriod().toMillis(),
                busyLoops == 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "; %d busy loops (%d per core, separate processes) running from before the warm-up"
                                        + " to the end",
                                busyLoops,
                                s.busyLoopsPerCore())));
        b.append(String.format(
                Locale.ROOT,
                "%-17s %4s  %-34s  %-34s  %-34s%n",
                "fault",
                "n",
                "RTO ms (min / median / p99 / max)",
                "detection ms",
                "switchover ms"));
    }

    private static void row(StringBuilder b, FaultType type, Stats rto, Stats detection, Stats switchover) {
        b.append(String.format(
                Locale.ROOT,
                "%-17s %4d  %-34s  %-34s  %-34s%n",
                type.name().toLowerCase(Locale.ROOT),
                rto.count(),
                rto.summary(),
                detection.summary(),
                switchover.summary()));
    }
}
