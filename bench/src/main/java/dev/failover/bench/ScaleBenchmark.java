package dev.failover.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.certs.PkiException;
import dev.failover.gateway.control.GatewayClient;
import dev.failover.testkit.GatewayProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The footprint and scale benchmark (issue 10, item 6). For each pair count N: N redundant pairs of
 * plc-sim controllers over Modbus/TCP Security in this JVM ({@link ScalePairs}), one gateway
 * supervising them all as a child process with the launcher's JVM options ({@link GatewayProcess#launcherLikeThisJvm()}: run from {@code scripts/gateway}, its options or
 * {@code GATEWAY_JAVA_OPTS}),
 * default failover policy. Once every pair is protected and a warm-up has passed, it measures the
 * gateway process from outside over a window: CPU and, for one pair, CPU by thread ({@link
 * ProcStats}), resident memory and threads, and its allocation rate ({@link HeapAllocation}). Then
 * it crashes the active controller of up to {@code crashes} pairs, one after the other, never
 * restoring them, and times each takeover from outside. Role changes that no crash explains are
 * false failovers, counted apart while the gateway starts (until every pair is protected) and after.
 *
 * <p>Exit code 0 when every run completed without a false failover (the footprint targets are
 * reported, not enforced), 1 when a run failed (pairs not protected in time, a crash without a
 * takeover, the gateway died) or a false failover happened (at start-up too), 3 when the benchmark or
 * a run could not be set up.
 */
public final class ScaleBenchmark {

    /**
     * @param pairs the pair counts to run, in order
     * @param duration the measurement window of each run
     * @param warmup the time between every pair protected and the window
     * @param crashes crashes per run (at most one per pair)
     */
    public record Settings(List<Integer> pairs, Duration duration, Duration warmup, int crashes) {

        public Settings {
            pairs = List.copyOf(pairs);
        }
    }

    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SAMPLE_PERIOD = Duration.ofSeconds(1);
    private static final int TOP_THREADS = 10;

    private final PrintStream out;
    private final List<String> javaOptions = GatewayProcess.jvmOptions();
    private final SplittableRandom random = new SplittableRandom();
    private final ObjectMapper json = new ObjectMapper();

    public ScaleBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Runs every pair count; prints the report, also to {@code outFile} unless it is {@code null}. */
    public int run(Settings settings, String outFile) {
        Path work = null;
        Thread cleanUp = null;
        try {
            work = Files.createTempDirectory("scale-benchmark");
            cleanUp = cleanUpOnExit(work);
            long ticks = ProcStats.clockTicksPerSecond();
            ScalePki pki = new ScalePki(work);
            List<ScaleReport.Run> runs = new ArrayList<>();
            boolean error = false;
            for (int n : settings.pairs()) {
                try {
                    runs.add(runOne(n, settings, pki, work.resolve("pairs-" + n), ticks));
                } catch (IOException | PkiException e) {
                    // Later pair counts may still run (a port or memory shortage at 50 pairs spares 1 and 10).
                    error = true;
                    runs.add(ScaleReport.Run.failed(n, "error: " + e));
                }
            }
            String text = ScaleReport.render(header(settings), runs);
            out.print(text);
            if (outFile != null) {
                Files.writeString(Path.of(outFile), text, StandardCharsets.UTF_8);
            }
            boolean ok = runs.stream()
                    .allMatch(r -> r.completed()
                            && r.failedCrashes() == 0
                            && r.roleChangesAtStart().changes() == 0
                            && r.roleChanges().changes() == 0);
            return error ? 3 : ok ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("scale benchmark interrupted");
            return 3;
        } catch (IOException | PkiException | RuntimeException e) {
            out.println("scale benchmark failed: " + e);
            return 3;
        } finally {
            if (cleanUp != null) {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            }
            delete(work);
        }
    }

    /**
     * If this JVM is stopped (Ctrl-C, SIGTERM) in the middle of a run: kills the processes it started
     * (the gateway, jstat, which outlives the JVM it watches) and deletes the temporary folder.
     */
    private Thread cleanUpOnExit(Path work) {
        Thread hook = new Thread(
                () -> {
                    List<ProcessHandle> children =
                            ProcessHandle.current().children().toList();
                    children.forEach(ProcessHandle::destroyForcibly);
                    for (ProcessHandle child : children) {
                        try {
                            child.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                            // Gone or going: the folder is deleted all the same.
                        }
                    }
                    delete(work);
                },
                "scale-benchmark-clean-up");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /**
     * One pair count. A run that fails (not protected in time, the gateway died) is returned with its
     * reason; what cannot be set up at all (ports, files, the PKI) is thrown.
     */
    private ScaleReport.Run runOne(int n, Settings settings, ScalePki pki, Path dir, long ticks)
            throws IOException, PkiException, InterruptedException {
        Files.createDirectories(dir);
        progress(n, "starting " + n + " pair(s) of controllers (TLS) and their relay boxes");
        try (ScalePairs pairs = ScalePairs.start(n, pki)) {
            Path config = pairs.writeConfig(dir, pki);
            Duration startTimeout = Duration.ofSeconds(60 + n);
            progress(n, "starting the gateway process: " + String.join(" ", javaOptions));
            try (GatewayProcess gateway = GatewayProcess.start(
                    GatewayProcess.launcherLikeThisJvm(), config, dir.resolve("gateway.log"), startTimeout)) {
                long started = System.nanoTime();
                pairs.markBaseline();
                try {
                    awaitProtected(gateway, n, pki, startTimeout);
                } catch (TimeoutException e) {
                    return ScaleReport.Run.failed(
                            n, e.getMessage() + "\nthe gateway's log ends:\n" + gateway.logTail());
                }
                // A cold gateway must not switch a healthy pair either (issue 10): counted apart from the window.
                ScalePairs.RoleChanges atStart = pairs.unexpectedRoleChanges();
                pairs.markBaseline();
                progress(
                        n,
                        String.format(
                                Locale.ROOT,
                                "all pairs protected and armed after %.1f s (gateway pid %d); warming up %s",
                                (System.nanoTime() - started) / 1e9,
                                gateway.pid(),
                                text(settings.warmup())));
                Thread.sleep(settings.warmup().toMillis());
                progress(n, "measuring for " + text(settings.duration()));
                ScaleReport.Run run;
                try {
                    run = measure(n, gateway.pid(), settings.duration(), ticks);
                } catch (IOException e) {
                    if (gateway.alive()) {
                        throw e;
                    }
                    return ScaleReport.Run.failed(
                            n, "the gateway process ended in the window; its log ends:\n" + gateway.logTail());
                }
                int crashes = Math.min(settings.crashes(), n);
                progress(n, "crashing the active controller of " + crashes + " pair(s), one after the other");
                Stats rto = new Stats();
                int failed = 0;
                for (int i = 0; i < crashes; i++) {
                    // Off the poll grid: the next crash lands at a random phase of the 20 ms poll period.
                    Thread.sleep(100 + random.nextInt(200));
                    try {
                        OptionalDouble r = pairs.crashActive(i, FAILOVER_TIMEOUT);
                        if (r.isPresent()) {
                            rto.add(r.getAsDouble());
                        } else {
                            failed++;
                            progress(n, "no takeover within " + text(FAILOVER_TIMEOUT) + " of crash " + (i + 1));
                        }
                    } catch (IllegalStateException e) {
                        failed++;
                        progress(n, "crash " + (i + 1) + " not made: " + e.getMessage());
                    }
                }
                run = run.withCrashes(rto, crashes, failed, atStart, pairs.unexpectedRoleChanges());
                if (!gateway.alive()) {
                    return run.withFailure(
                            "the gateway process ended during the run; its log ends:\n" + gateway.logTail());
                }
                long stopping = System.nanoTime();
                int status = gateway.stop();
                progress(
                        n,
                        String.format(
                                Locale.ROOT,
                                "gateway stopped (SIGTERM) in %.1f s, exit status %d",
                                (System.nanoTime() - stopping) / 1e9,
                                status));
                return run;
            }
        }
    }

    /** Asks the gateway for its status until every pair is protected with detection armed. */
    private void awaitProtected(GatewayProcess gateway, int n, ScalePki pki, Duration timeout)
            throws TimeoutException, InterruptedException, PkiException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int ready = 0;
        String lastProblem = "";
        while (System.nanoTime() < deadline && gateway.alive()) {
            try {
                JsonNode status = GatewayClient.call(
                        pki.observerTls(),
                        "127.0.0.1",
                        gateway.controlPort(),
                        json.createObjectNode().put("op", "status").put("pair", ""),
                        Duration.ofSeconds(10));
                ready = protectedPairs(status);
                if (ready == n) {
                    return;
                }
            } catch (IOException e) {
                lastProblem = " (last status call: " + e.getMessage() + ")";
            }
            Thread.sleep(250);
        }
        throw new TimeoutException(ready + " of " + n + " pair(s) protected and armed "
                + (gateway.alive() ? "after " + timeout.toSeconds() + " s" : "when the gateway process ended")
                + lastProblem);
    }

    /**
     * How many pairs of a {@code status} answer are protected: state PROTECTED, both controllers
     * HEALTHY, unfenced, and with failure detection armed (timeouts count only once it is).
     */
    static int protectedPairs(JsonNode status) {
        int ready = 0;
        for (JsonNode pair : status.path("pairs")) {
            boolean ok = pair.path("state").asText().equals("PROTECTED")
                    && pair.path("controllers").size() == 2;
            for (JsonNode c : pair.path("controllers")) {
                ok &= c.path("condition").asText().equals("HEALTHY")
                        && !c.path("fenced").asBoolean(true)
                        && c.path("detectionArmed").asBoolean(false);
            }
            ready += ok ? 1 : 0;
        }
        return ready;
    }

    /** The footprint of the gateway process {@code pid} over {@code window}; no RTO figures yet. */
    private ScaleReport.Run measure(int n, long pid, Duration window, long ticks)
            throws IOException, InterruptedException {
        long self = ProcessHandle.current().pid();
        HeapAllocation allocation = null;
        String allocNote = "";
        try {
            allocation = HeapAllocation.start(Path.of(System.getProperty("java.home")), pid);
        } catch (IOException e) {
            allocNote = e.getMessage();
        }
        try {
            boolean byThread = n == 1;
            Map<Long, ProcStats.Cpu> threadsBefore = byThread ? ProcStats.threads(pid) : Map.of();
            ProcStats.Cpu before = ProcStats.cpu(pid);
            ProcStats.Cpu selfBefore = ProcStats.cpu(self);
            long start = System.nanoTime();
            double rss = 0;
            int threads = 0;
            long end = start + window.toNanos();
            for (long next = start; next < end; next += SAMPLE_PERIOD.toNanos()) {
                ProcStats.Memory m = ProcStats.memory(pid);
                rss = Math.max(rss, m.rssMegabytes());
                threads = Math.max(threads, m.threads());
                Thread.sleep(Math.max(
                        0, (Math.min(end, next + SAMPLE_PERIOD.toNanos()) - System.nanoTime()) / 1_000_000));
            }
            ProcStats.Cpu after = ProcStats.cpu(pid);
            ProcStats.Cpu selfAfter = ProcStats.cpu(self);
            Map<Long, ProcStats.Cpu> threadsAfter = byThread ? ProcStats.threads(pid) : Map.of();
            double seconds = (System.nanoTime() - start) / 1e9;
            HeapAllocation.Rate alloc = ScaleReport.NO_RATE;
            if (allocation != null) {
                alloc = allocation.rate();
                if (Double.isNaN(alloc.atMostMegabytesPerSecond())
                        && alloc.megabytesPerSecond().isEmpty()) {
                    allocNote = "no figures from jstat"
                            + (allocation.problem().isEmpty() ? "" : ": " + allocation.problem());
                } else if (alloc.megabytesPerSecond().isEmpty()) {
                    allocNote = alloc.collections() + " young collection(s) in the window: only a bound (a longer"
                            + " --duration gives a figure)";
                }
            }
            return new ScaleReport.Run(
                    n,
                    percentOfCore(after.ticks() - before.ticks(), ticks, seconds),
                    rss,
                    threads,
                    alloc,
                    allocNote,
                    new Stats(),
                    0,
                    0,
                    new ScalePairs.RoleChanges(0, 0),
                    new ScalePairs.RoleChanges(0, 0),
                    topThreads(threadsBefore, threadsAfter, ticks, seconds),
                    percentOfCore(selfAfter.ticks() - selfBefore.ticks(), ticks, seconds),
                    loadAverage(),
                    "");
        } finally {
            if (allocation != null) {
                allocation.close();
            }
        }
    }

    static double percentOfCore(long ticks, long ticksPerSecond, double seconds) {
        return 100.0 * ticks / ticksPerSecond / seconds;
    }

    /** The busiest threads over the window; a thread born in it counts from zero, one that ended is left out. */
    static List<ScaleReport.ThreadCpu> topThreads(
            Map<Long, ProcStats.Cpu> before, Map<Long, ProcStats.Cpu> after, long ticksPerSecond, double seconds) {
        return after.entrySet().stream()
                .map(e -> {
                    ProcStats.Cpu was = before.get(e.getKey());
                    long used = e.getValue().ticks() - (was == null ? 0 : was.ticks());
                    return new ScaleReport.ThreadCpu(e.getValue().name(), percentOfCore(used, ticksPerSecond, seconds));
                })
                .sorted(Comparator.comparingDouble(ScaleReport.ThreadCpu::percent)
                        .reversed()
                        .thenComparing(ScaleReport.ThreadCpu::name))
                .limit(TOP_THREADS)
                .toList();
    }

    private String header(Settings s) {
        return String.format(
                Locale.ROOT,
                "Scale benchmark: one gateway process supervising N pairs of plc-sim controllers over Modbus/TCP"
                        + " Security%n  %d cores, %s %s, JDK %s; gateway JVM options: %s%n"
                        + "  default failover policy; per run: warm-up %s, window %s, then up to %d crash(es);"
                        + " CPU and RSS from /proc, allocation from jstat%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                System.getProperty("java.runtime.version"),
                String.join(" ", javaOptions),
                text(s.warmup()),
                text(s.duration()),
                s.crashes());
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
                    .split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private void progress(int n, String what) {
        // Wall-clock time, to find the moment in the logs.
        out.printf(Locale.ROOT, "%tT [%d pair(s)] %s%n", System.currentTimeMillis(), n, what);
    }

    private void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            out.println("could not delete the temporary folder " + dir + ": " + e.getMessage());
        }
    }
}
