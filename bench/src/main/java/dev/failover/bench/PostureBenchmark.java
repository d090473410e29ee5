package dev.failover.bench;

import dev.failover.certs.TestPki;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.config.PostureConfig;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.posture.PostureWatch;
import dev.failover.testkit.SimPair;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What checking the security posture costs (issue 13, part A), and that it does not slow a failover:
 * the time of one probe of one controller (some tens of real TLS handshakes over loopback, a plain
 * Modbus check, the identity block) and the CPU the gateway's posture thread spends on it; then the
 * RTO of failovers (the active crashed, as the gateway measures it) with no probe running, and with
 * probes running back to back, the worst case of a short period. Two plc-sim controllers over
 * Modbus/TCP Security, in process.
 */
final class PostureBenchmark {

    private final PrintStream out;

    PostureBenchmark(PrintStream out) {
        this.out = out;
    }

    int run(int probes, int failovers) {
        Path work = null;
        try {
            work = Files.createTempDirectory("posture-benchmark");
            TestPki pki = TestPki.create(work.resolve("pki"));
            PostureConfig baseline = PostureConfig.defaults().withPeriod(Duration.ofHours(1));
            try (SimPair pair = SimPair.startSecure(
                    FailoverPolicy.defaults().withHoldDown(Duration.ZERO),
                    true,
                    e -> {},
                    pki,
                    work.resolve("gateway"),
                    c -> withBaseline(c, baseline))) {
                SimPair.await("the pair is protected", Duration.ofSeconds(15), () -> pair.protectedWith(SimPair.A));
                PostureWatch watch = pair.gateway().posture();
                Stats probeA = new Stats();
                Stats probeB = new Stats();
                Stats cpu = new Stats();
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                watch.refreshNow(SimPair.PAIR);
                for (int i = 0; i < probes; i++) {
                    long cpuBefore = postureCpu(threads);
                    watch.refreshNow(SimPair.PAIR);
                    cpu.add((postureCpu(threads) - cpuBefore) / 1e6);
                    probeA.add(watch.status(SimPair.PAIR)
                            .controllers()
                            .get(SimPair.A)
                            .probeMillis());
                    probeB.add(watch.status(SimPair.PAIR)
                            .controllers()
                            .get(SimPair.B)
                            .probeMillis());
                }
                var a = watch.status(SimPair.PAIR).controllers().get(SimPair.A);
                out.printf(
                        Locale.ROOT,
                        "Security posture: two plc-sim controllers over Modbus/TCP Security, in process%n"
                                + "  one probe      %d TLS versions and %d suites accepted of those tried, plain Modbus,"
                                + " identity%n"
                                + "  probe time     per controller: p50 %.0f ms, max %.0f ms (plc-a), p50 %.0f ms,"
                                + " max %.0f ms (plc-b); %d probes each%n"
                                + "  gateway CPU    posture thread, both controllers: p50 %.1f ms, max %.1f ms per"
                                + " probe of the pair (every 60 s by default)%n",
                        a.tlsVersions().size(),
                        a.cipherSuites().size(),
                        probeA.quantile(0.5),
                        probeA.max(),
                        probeB.quantile(0.5),
                        probeB.max(),
                        probes,
                        cpu.quantile(0.5),
                        cpu.max());
                Stats quiet = failovers(pair, failovers, null);
                Stats probing = failovers(pair, failovers, watch);
                out.printf(
                        Locale.ROOT,
                        "  RTO            active crashed, as the gateway measures it: without probes p50 %.1f ms,"
                                + " max %.1f ms; with probes back to back p50 %.1f ms, max %.1f ms (%d failovers"
                                + " each)%n",
                        quiet.quantile(0.5),
                        quiet.max(),
                        probing.quantile(0.5),
                        probing.max(),
                        failovers);
            }
            opcUa(pki, work.resolve("gateway-ua"), probes);
            return 0;
        } catch (Exception e) {
            out.println("benchmark failed: " + e);
            return 3;
        } finally {
            BenchFiles.deleteQuietly(work);
        }
    }

    /** {@code count} failovers, alternating; with a {@code watch}, probes run back to back meanwhile. */
    private static Stats failovers(SimPair pair, int count, PostureWatch watch) throws Exception {
        AtomicBoolean probing = new AtomicBoolean(watch != null);
        Thread prober = Thread.ofPlatform().daemon(true).start(() -> {
            while (probing.get()) {
                watch.refreshNow(SimPair.PAIR);
            }
        });
        List<SwitchoverReport> reports = new CopyOnWriteArrayList<>();
        pair.supervisor().onSwitchover(reports::add);
        Stats rto = new Stats();
        try {
            for (int i = 0; i < count; i++) {
                String active = pair.status().activeId();
                String next = active.equals(SimPair.A) ? SimPair.B : SimPair.A;
                int before = reports.size();
                pair.plc(active).faults().crash();
                SimPair.await(
                        "the failover",
                        Duration.ofSeconds(15),
                        () -> next.equals(pair.status().activeId()));
                SimPair.await("its report", Duration.ofSeconds(5), () -> reports.size() > before);
                reports.subList(before, reports.size()).stream()
                        .filter(SwitchoverReport::ok)
                        .reduce((x, y) -> y)
                        .flatMap(r -> r.rtoMillis().isPresent()
                                ? java.util.Optional.of(r.rtoMillis().getAsDouble())
                                : java.util.Optional.empty())
                        .ifPresent(rto::add);
                pair.plc(active).faults().clear();
                SimPair.await("protected again", Duration.ofSeconds(15), () -> pair.protectedWith(next));
            }
        } finally {
            probing.set(false);
            prober.join(10_000);
        }
        return rto;
    }

    /** Probe time and CPU for a pair reached over OPC UA: GetEndpoints, BuildInfo and identity nodes. */
    private void opcUa(TestPki pki, Path state, int probes) throws Exception {
        var certificates = dev.failover.testkit.OpcUaSimPair.Certificates.issue(pki);
        PostureConfig baseline = PostureConfig.defaults().withPeriod(Duration.ofHours(1));
        try (SimPair pair = dev.failover.testkit.OpcUaSimPair.start(
                FailoverPolicy.defaults(), true, e -> {}, certificates, state, c -> withBaseline(c, baseline))) {
            SimPair.await("the OPC UA pair is protected", Duration.ofSeconds(30), () -> pair.protectedWith(SimPair.A));
            PostureWatch watch = pair.gateway().posture();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Stats probe = new Stats();
            Stats cpu = new Stats();
            watch.refreshNow(SimPair.PAIR);
            for (int i = 0; i < probes; i++) {
                long cpuBefore = postureCpu(threads);
                watch.refreshNow(SimPair.PAIR);
                cpu.add((postureCpu(threads) - cpuBefore) / 1e6);
                watch.status(SimPair.PAIR).controllers().values().forEach(c -> probe.add(c.probeMillis()));
            }
            var a = watch.status(SimPair.PAIR).controllers().get(SimPair.A);
            out.printf(
                    Locale.ROOT,
                    "Security posture: two plc-sim controllers over OPC UA, in process%n"
                            + "  one probe      GetEndpoints on a discovery channel (%d endpoints), BuildInfo and 4"
                            + " identity nodes over the session%n"
                            + "  probe time     per controller: p50 %.0f ms, max %.0f ms; %d probes of each%n"
                            + "  gateway CPU    posture thread, both controllers: p50 %.1f ms, max %.1f ms per probe of"
                            + " the pair%n",
                    a.opcUa() == null ? 0 : a.opcUa().endpoints().size(),
                    probe.quantile(0.5),
                    probe.max(),
                    probes,
                    cpu.quantile(0.5),
                    cpu.max());
        }
    }

    private static long postureCpu(ThreadMXBean threads) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("posture")) {
                return threads.getThreadCpuTime(t.threadId());
            }
        }
        return 0;
    }

    private static GatewayConfig withBaseline(GatewayConfig c, PostureConfig baseline) {
        return c.withSecurity(c.security().withPosture(baseline));
    }
}
