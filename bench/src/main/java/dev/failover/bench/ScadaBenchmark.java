package dev.failover.bench;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.Identity;
import dev.failover.certs.KeyAlgorithm;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.modbus.ModbusLink;
import dev.failover.plcsim.opcua.PlcOpcUaServer;
import dev.failover.testkit.SimPair;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the gateway's OPC UA server for SCADA (issue 4): the latency of a Read through the gateway
 * against a Read of the same tag on the active controller's own OPC UA server, and the time from a
 * value changing on the active controller to the data change notification at a subscribed client.
 *
 * <p>Real parts throughout, in this JVM: two plc-sim controllers (Modbus/TCP Security to the gateway,
 * each also serving OPC UA), the gateway with its OPC UA server, Milo clients over 127.0.0.1 with
 * SignAndEncrypt Basic256Sha256 and an X.509 user. The value is changed by a Modbus/TCP Security
 * write of the setpoint register on the active controller, beside the gateway, never through it.
 *
 * <p>Targets: gateway Read median at most {@value #READ_RATIO_TARGET}× direct; notification p99 at
 * most {@value #NOTIFY_TARGET_POLLS} poll periods. A missed target is printed as MISSED; the exit
 * code stays 0, since the figures are the product.
 */
public final class ScadaBenchmark {

    static final double READ_RATIO_TARGET = 2;
    static final double NOTIFY_TARGET_POLLS = 2;

    static final String GATEWAY_NS = "urn:dev.failover:gateway";
    static final String PLC_NS = "urn:dev.failover:plc-sim";
    private static final String LEVEL_TAG = "Pairs/" + SimPair.PAIR + "/Tags/level";
    private static final String SETPOINT_TAG = "Pairs/" + SimPair.PAIR + "/Tags/level_setpoint";
    private static final String PLC_LEVEL = "Process/LEVEL";

    /** Reads alternate between the two servers in blocks of this many, so drift hits both alike. */
    static final int READ_BLOCK = 50;

    /** The smallest publishing interval Milo's server grants; a smaller request is revised to 250 ms. */
    static final double PUBLISHING_MILLIS = 10;

    private static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    /**
     * What to measure.
     *
     * @param reads counted reads of each server
     * @param warmupReads uncounted reads of each server first
     * @param changes counted value changes
     * @param warmupChanges uncounted value changes first
     * @param policy the pair's failover policy; its poll period is the tag scan period
     */
    public record Settings(int reads, int warmupReads, int changes, int warmupChanges, FailoverPolicy policy) {

        public Settings {
            if (reads < 1 || changes < 1 || warmupReads < 0 || warmupChanges < 0) {
                throw new IllegalArgumentException("reads and changes must be at least 1, warm-ups at least 0");
            }
        }

        /** {@code reads} after 500 warm-up reads, {@code changes} after 20 warm-up changes, default policy. */
        public static Settings of(int reads, int changes) {
            return new Settings(reads, 500, changes, 20, FailoverPolicy.defaults());
        }
    }

    /** Order statistics of a sample of durations, in milliseconds. */
    public record Latency(int count, double median, double p90, double p99, double max) {

        static Latency of(Stats s) {
            return new Latency(s.count(), s.quantile(0.5), s.quantile(0.9), s.quantile(0.99), s.max());
        }
    }

    /**
     * The figures of one run.
     *
     * @param gatewayRead Read of the level tag on the gateway's server
     * @param directRead Read of the level register on the active controller's server
     * @param loadAverage the system load average over the last minute, at the end of the run
     * @param gatewayNotGood counted gateway reads whose status was not good, by status
     * @param directNotGood counted direct reads whose status was not good, by status
     * @param notification from the start of the setpoint write to the notification carrying it
     * @param changeToScan from the start of the write to the source timestamp of the gateway's value
     *     (the end of the scan that read it)
     * @param scanToClient the rest: from that source timestamp to the notification at the client
     *     (publishing, security, transport)
     * @param write the setpoint write's round trip (Modbus/TCP Security, write and read-back)
     * @param missedChanges changes whose write failed or whose notification did not come within 2 s
     * @param notGoodNotifications notifications of the subscribed tag whose status was not good (a
     *     scan that could not read the active controller marks the value uncertain, last usable)
     * @param revisedPublishingMillis the publishing interval the gateway's server granted
     * @param revisedSamplingMillis the sampling interval the gateway's server granted
     * @param failovers switchovers of the pair during the run (none is expected: any is a false
     *     failover, from an overloaded machine)
     * @param disturbedChanges changes during which the pair switched over: neither counted nor missed
     */
    public record Result(
            int cores,
            String jdk,
            double loadAverage,
            double pollMillis,
            Latency gatewayRead,
            Latency directRead,
            Map<String, Integer> gatewayNotGood,
            Map<String, Integer> directNotGood,
            Latency notification,
            Latency changeToScan,
            Latency scanToClient,
            Latency write,
            int missedChanges,
            int notGoodNotifications,
            double revisedPublishingMillis,
            double revisedSamplingMillis,
            int failovers,
            int disturbedChanges) {

        public double medianRatio() {
            return gatewayRead.median() / directRead.median();
        }

        public double p99Ratio() {
            return gatewayRead.p99() / directRead.p99();
        }

        public boolean readTargetMet() {
            return medianRatio() <= READ_RATIO_TARGET;
        }

        public boolean notificationTargetMet() {
            return notification.p99() <= NOTIFY_TARGET_POLLS * pollMillis && missedChanges == 0;
        }
    }

    private final PrintStream out;
    private final SplittableRandom random = new SplittableRandom(42);

    public ScadaBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Measures and prints; 0 when the run completed (targets met or not), 3 when it could not run. */
    public int run(int reads, int changes) {
        Settings settings = Settings.of(reads, changes);
        try {
            out.print(ScadaReport.render(settings, measure(settings)));
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("benchmark interrupted");
            return 3;
        } catch (Exception e) {
            out.println("benchmark failed: " + e);
            return 3;
        }
    }

    /** Starts the pair, the gateway and the clients, measures, and stops everything. */
    Result measure(Settings settings) throws Exception {
        FailoverPolicy policy = settings.policy();
        Path work = Files.createTempDirectory("scada-benchmark");
        try {
            TestPki pki = TestPki.create(work.resolve("pki"));
            Identity app = pki.identity(pki.pki()
                    .issue(
                            CertificateRequest.opcuaApplication("scada-bench-" + UUID.randomUUID(), "urn:test:scada"),
                            TestPki.KEYSTORE_PASSWORD));
            Identity user = pki.identity(pki.pki()
                    .issue(
                            CertificateRequest.builder(CertificateKind.OPERATOR, "scada-bench-user")
                                    .role("operator")
                                    .keyAlgorithm(KeyAlgorithm.RSA_2048)
                                    .build(),
                            TestPki.KEYSTORE_PASSWORD));
            try (ScadaRig rig = ScadaRig.start(policy, pki, work.resolve("gateway"))) {
                SimPair.await("the pair is protected", START_TIMEOUT, rig::protectedPair);
                String active = rig.status().activeId();
                int switchoversAtStart = rig.status().switchovers();
                String gatewayUrl = rig.gateway().scadaServer().orElseThrow().endpointUrl();
                String directUrl =
                        "opc.tcp://127.0.0.1:" + rig.plc(active).opcUaPort().orElseThrow() + PlcOpcUaServer.PATH;
                try (UaBenchSession gateway = UaBenchSession.connect(gatewayUrl, pki, app, user);
                        UaBenchSession direct = UaBenchSession.connect(directUrl, pki, app, user)) {
                    ReadTarget viaGateway = new ReadTarget(gateway, gateway.node(GATEWAY_NS, LEVEL_TAG));
                    ReadTarget toController = new ReadTarget(direct, direct.node(PLC_NS, PLC_LEVEL));
                    SimPair.await("the gateway serves a good level", START_TIMEOUT, viaGateway::good);
                    reads(viaGateway, toController, settings.warmupReads(), false);
                    reads(viaGateway, toController, settings.reads(), true);
                    Changes changes = changes(rig, pki, gateway, settings, policy.pollPeriod());
                    return new Result(
                            Runtime.getRuntime().availableProcessors(),
                            jdk(),
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                            policy.pollPeriod().toNanos() / 1e6,
                            Latency.of(viaGateway.stats),
                            Latency.of(toController.stats),
                            Map.copyOf(viaGateway.notGood),
                            Map.copyOf(toController.notGood),
                            Latency.of(changes.total),
                            Latency.of(changes.toScan),
                            Latency.of(changes.scanToClient),
                            Latency.of(changes.write),
                            changes.missed,
                            changes.notGood,
                            changes.revised.publishingMillis(),
                            changes.revised.samplingMillis(),
                            rig.status().switchovers() - switchoversAtStart,
                            changes.disturbed);
                }
            }
        } finally {
            BenchFiles.deleteQuietly(work);
        }
    }

    /** One server's node to read, with its counted read times and the statuses of reads that were not good. */
    private static final class ReadTarget {
        final UaBenchSession session;
        final UaBenchSession.Node node;
        final Stats stats = new Stats();
        final Map<String, Integer> notGood = new TreeMap<>();

        ReadTarget(UaBenchSession session, UaBenchSession.Node node) {
            this.session = session;
            this.node = node;
        }

        void block(int count, boolean counted) {
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                String status = session.read(node);
                long took = System.nanoTime() - start;
                if (counted) {
                    stats.add(took / 1e6);
                    if (status != null) {
                        notGood.merge(status, 1, Integer::sum);
                    }
                }
            }
        }

        boolean good() {
            return session.read(node) == null;
        }
    }

    /** {@code n} reads of each server in alternating blocks, the first server of each block alternating too. */
    private static void reads(ReadTarget a, ReadTarget b, int n, boolean counted) {
        for (int done = 0, block = 0; done < n; done += READ_BLOCK, block++) {
            int count = Math.min(READ_BLOCK, n - done);
            ReadTarget first = block % 2 == 0 ? a : b;
            first.block(count, counted);
            (first == a ? b : a).block(count, counted);
        }
    }

    private static final class Changes {
        final Stats total = new Stats();
        final Stats toScan = new Stats();
        final Stats scanToClient = new Stats();
        final Stats write = new Stats();
        int missed;
        int notGood;
        int disturbed;
        UaBenchSession.Revised revised;
    }

    /**
     * Changes the setpoint on the active controller at a random phase of the poll grid and times the
     * notification that carries the new value. Should the pair switch over, the changes follow the new
     * active, and a change during which it switched is not counted.
     */
    private Changes changes(ScadaRig rig, TestPki pki, UaBenchSession gateway, Settings settings, Duration poll)
            throws Exception {
        Changes c = new Changes();
        BlockingQueue<UaBenchSession.Notification> seen = new LinkedBlockingQueue<>();
        c.revised = gateway.subscribe(gateway.node(GATEWAY_NS, SETPOINT_TAG), PUBLISHING_MILLIS, seen::add);
        TagConfig setpoint = rig.gateway().pair(SimPair.PAIR).config().tags().stream()
                .filter(t -> t.name().equals("level_setpoint"))
                .findFirst()
                .orElseThrow();
        String target = null;
        ModbusLink writer = null;
        try {
            int last = -1;
            for (int i = 0; i < settings.warmupChanges() + settings.changes(); i++) {
                boolean counted = i >= settings.warmupChanges();
                SimPair.await("the pair is protected", START_TIMEOUT, rig::protectedPair);
                String active = rig.status().activeId();
                if (!active.equals(target)) {
                    if (writer != null) {
                        writer.close();
                    }
                    writer = writer(rig, pki, active);
                    target = active;
                }
                int raw = last;
                while (raw == last) {
                    raw = random.nextInt(1000, 9001);
                }
                last = raw;
                // Values do not change in step with the scans: start each change at a uniformly random
                // phase of the poll period (after the previous notification, itself tied to the grid).
                LockSupport.parkNanos(random.nextLong(poll.toNanos()));
                int switchovers = rig.status().switchovers();
                seen.clear();
                Instant wall = Instant.now();
                long start = System.nanoTime();
                LinkResult<double[]> written = writer.writeTags(List.of(setpoint), new double[] {raw});
                long writeNanos = System.nanoTime() - start;
                UaBenchSession.Notification n = written instanceof LinkResult.Ok<double[]>
                        ? awaitValue(seen, setpoint.engineering(raw), start, c)
                        : null;
                if (rig.status().switchovers() != switchovers) {
                    c.disturbed += counted ? 1 : 0;
                } else if (n == null) {
                    out.println("  change " + i + " on " + active + ": "
                            + (written instanceof LinkResult.Failed<double[]> f
                                    ? "the write failed: " + f.error() + " " + f.detail()
                                    : "no notification with " + setpoint.engineering(raw) + " within "
                                            + NOTIFY_TIMEOUT.toMillis() + " ms"));
                    c.missed += counted ? 1 : 0;
                } else if (counted) {
                    double total = (n.receivedNanos() - start) / 1e6;
                    double toScan = Duration.between(wall, n.sourceTime()).toNanos() / 1e6;
                    c.total.add(total);
                    c.toScan.add(toScan);
                    c.scanToClient.add(total - toScan);
                    c.write.add(writeNanos / 1e6);
                }
            }
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
        return c;
    }

    private static UaBenchSession.Notification awaitValue(
            BlockingQueue<UaBenchSession.Notification> seen, double expected, long start, Changes c)
            throws InterruptedException {
        long deadline = start + NOTIFY_TIMEOUT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            UaBenchSession.Notification n = left <= 0 ? null : seen.poll(left, TimeUnit.NANOSECONDS);
            if (n == null) {
                return null;
            }
            if (!n.good()) {
                c.notGood++;
            } else if (Math.abs(n.value() - expected) < 1e-9 && n.sourceTime() != null) {
                return n;
            }
        }
    }

    /** A Modbus/TCP Security link of its own to {@code id}, with a certificate of role {@code gateway}. */
    private static ModbusLink writer(ScadaRig rig, TestPki pki, String id) throws PkiException {
        return new ModbusLink(
                "scada-bench-writer",
                new ModbusEndpoint("127.0.0.1", rig.plc(id).modbusPort(), 1),
                StatusRegisters.defaults(),
                Duration.ofMillis(250),
                Duration.ofSeconds(1),
                Ticker.system(),
                pki.tlsContext(pki.gateway("scada-bench-writer", "gateway")));
    }

    private static String jdk() {
        return System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ")";
    }
}
