package dev.failover.bench;

import dev.failover.certs.PkiException;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.testkit.BusyLoops;
import dev.failover.testkit.SimPair;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * RTO per fault type under full CPU load: the unloaded section's table, measured while two busy loops
 * per core (separate processes) compete with the gateway and the controllers for the CPU. Issue 10's
 * target on a 2-core box: RTO p99 at most {@value #RTO_P99_TARGET_MS} ms for every fault type, and no
 * switchover that no injected fault caused.
 */
final class StarvationSection {

    static final double RTO_P99_TARGET_MS = 150;

    private final PrintStream out;

    StarvationSection(PrintStream out) {
        this.out = out;
    }

    SectionResult run(FailoverPolicy policy, boolean tls, int faultsPerType)
            throws IOException, PkiException, TimeoutException, InterruptedException {
        RtoRun.Result r = new RtoRun(out)
                .run(new RtoRun.Settings(
                        policy, tls, faultsPerType, 0, BusyLoops.FULL_LOAD_PER_CORE, SimPair.DEFAULT_SCAN));
        boolean met = r.worstP99() <= RTO_P99_TARGET_MS
                && r.falseFailovers() == 0
                && r.failedTrials() == 0
                && r.overlaps() == 0;
        String text = r.text()
                + String.format(
                        Locale.ROOT,
                        "Targets under full load (RTO p99 <= %.0f ms, zero false failovers, no failed trial, no split"
                                + " brain): %s%n",
                        RTO_P99_TARGET_MS,
                        FailoverBenchmark.verdict(met, r));
        out.print(text);
        return new SectionResult(text, met);
    }
}
