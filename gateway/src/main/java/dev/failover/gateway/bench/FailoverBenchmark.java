package dev.failover.gateway.bench;

import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.failover.SwitchoverReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * Measures failover: injects {@code n} faults of each {@link FaultType} into whichever controller is
 * active, and reports the RTO from the injection to the verified promotion of the standby, split
 * into detection and switchover. Then a jitter run of transient faults (single lost polls, 50 ms
 * stalls) that must cause no failover. A sampler counts instants where both controllers drove the
 * process. Prints the figures; exit code 1 when a target is missed or a trial failed.
 */
public final class FailoverBenchmark {

    static final double RTO_P99_TARGET_MS = 100;
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(15);

    private final PrintStream out;
    private final RandomGenerator random = new SplittableRandom(42);

    public FailoverBenchmark(PrintStream out) {
        this.out = out;
    }

    public int run(int faultsPerType, int jitterRuns, String outFile) {
        return run(faultsPerType, jitterRuns, outFile, false);
    }

    /** With {@code tls}, the controllers speak Modbus/TCP Security only (a throwaway test PKI). */
    public int run(int faultsPerType, int jitterRuns, String outFile, boolean tls) {
        FailoverPolicy policy = FailoverPolicy.defaults()
                .withHoldDown(Duration.ofMillis(100))
                .withStorm(1_000_000, Duration.ofMinutes(1));
        BlockingQueue<SwitchoverReport> reports = new LinkedBlockingQueue<>();
        StringBuilder table = new StringBuilder();
        java.nio.file.Path work = null;
        try (SimPair pair = tls
                        ? SimPair.startSecure(
                                policy,
                                true,
                                e -> {},
                                dev.failover.certs.TestPki.create(
                                        work = java.nio.file.Files.createTempDirectory("failover-benchmark")),
                                work)
                        : SimPair.start(policy, true, e -> {});
                DrivingSampler sampler = new DrivingSampler(pair)) {
            pair.supervisor().onSwitchover(reports::add);
            SimPair.await("the pair is protected", RECOVERY_TIMEOUT, () -> pair.protectedWith(SimPair.A));
            // One uncounted failover of each type first, so the figures describe a warmed-up JVM
            // (the first failover after start pays for class loading and JIT compilation).
            for (FaultType type : FaultType.values()) {
                trial(pair, type, reports, new Stats(), new Stats(), new Stats());
            }
            header(table, policy, faultsPerType, tls);
            int failedTrials = 0;
            double worstP99 = 0;
            for (FaultType type : FaultType.values()) {
                Stats rto = new Stats();
                Stats detection = new Stats();
                Stats switchover = new Stats();
                for (int i = 0; i < faultsPerType; i++) {
                    if (!trial(pair, type, reports, rto, detection, switchover)) {
                        failedTrials++;
                    }
                }
                worstP99 = Math.max(worstP99, rto.quantile(0.99));
                row(table, type, rto, detection, switchover);
            }
            int falseFailovers = jitter(pair, jitterRuns, reports);
            long overlaps = sampler.overlaps();
            table.append(String.format(
                    Locale.ROOT,
                    "%nJitter run: %d transient faults (single lost polls and 50 ms stalls, alternating): "
                            + "%d false failover(s)%n",
                    jitterRuns,
                    falseFailovers));
            table.append(String.format(
                    Locale.ROOT,
                    "Split brain: %d of %d samples with both controllers driving the process%n",
                    overlaps,
                    sampler.samples()));
            boolean met = worstP99 <= RTO_P99_TARGET_MS && falseFailovers == 0 && failedTrials == 0 && overlaps == 0;
            table.append(String.format(
                    Locale.ROOT,
                    "Targets (RTO p99 <= %.0f ms, zero false failovers, no failed trial, no split brain): %s%n",
                    RTO_P99_TARGET_MS,
                    met ? "MET" : "MISSED (" + failedTrials + " failed trial(s), worst p99 " + worstP99 + " ms)"));
            out.print(table);
            if (outFile != null) {
                Files.writeString(Path.of(outFile), table, StandardCharsets.UTF_8);
            }
            return met ? 0 : 1;
        } catch (IOException | TimeoutException | dev.failover.certs.PkiException e) {
            out.println("benchmark failed: " + e.getMessage());
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        }
    }

    private boolean trial(
            SimPair pair,
            FaultType type,
            BlockingQueue<SwitchoverReport> reports,
            Stats rto,
            Stats detection,
            Stats switchover)
            throws InterruptedException, TimeoutException {
        String active = pair.status().activeId();
        String standby = SimPair.other(active);
        reports.clear();
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
        return ok;
    }

    private int jitter(SimPair pair, int runs, BlockingQueue<SwitchoverReport> reports)
            throws InterruptedException, TimeoutException {
        reports.clear();
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

    private static void header(StringBuilder b, FailoverPolicy p, int n, boolean tls) {
        b.append(String.format(
                Locale.ROOT,
                "Failover benchmark: %d faults per type; poll %d ms, response timeout %d ms, %d misses before "
                        + "fault; in-process plc-sim pair over loopback %s, fences on; after one uncounted warm-up "
                        + "failover per type; faults injected at a random phase of the poll period%n%n",
                n,
                p.pollPeriod().toMillis(),
                p.responseTimeout().toMillis(),
                p.missesBeforeFault(),
                tls ? "Modbus/TCP Security (TLS)" : "plain Modbus TCP"));
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
