package dev.failover.bench;

import dev.failover.certs.TestPki;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.mirror.StateMirror;
import dev.failover.testkit.SimPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The RPO benchmark (issue 5): how much a takeover can lose.
 *
 * <ol>
 *   <li><b>Replication lag</b> of the mirrored state: a setpoint changed on the active controller
 *       itself, timed until the mirror has confirmed it on the standby ({@link ReplicationLag}).
 *   <li><b>Loss at takeover</b>: the active crashed 0 to 2 mirror periods after such a change; how
 *       often the new active lacks it, by delay ({@link TakeoverLoss}). This is the RPO of mirrored
 *       state. Acknowledged commands lose nothing by construction (journal, safety rule 4; JournalIT).
 *   <li><b>Signed commands per second</b> with the journal synced to disk, beside the same benchmark
 *       with the journal on a tmpfs, and the journal's own append cost on both ({@link JournalCost}).
 * </ol>
 *
 * <p>Parts (a) and (b) run on one in-process pair over Modbus/TCP Security (a throwaway PKI), fences
 * on, the default policy and mirror period except a 100 ms hold-down and no storm limit, so that the
 * takeovers of (b) can follow each other. Exit code 0 when the checks hold (lag at most two mirror
 * periods; nothing lost that the mirror had confirmed on the standby before the crash), 1 when one
 * does not, 3 when the run could not be made.
 */
public final class RpoBenchmark {

    /** Where the journal goes for the comparison: a tmpfs on Linux. */
    static final Path TMPFS = Path.of("/dev/shm");

    /**
     * @param changes part (a): counted changes, after {@value #WARMUP} uncounted
     * @param trials part (b): counted takeovers, after {@value #WARMUP_TRIALS} uncounted
     * @param commands part (c): commands per command benchmark run; 0 skips part (c)
     */
    public record Settings(int changes, int trials, int commands, int threads) {}

    static final int WARMUP = 20;
    static final int WARMUP_TRIALS = 5;

    private final PrintStream out;
    // A new seed each run: the pair runs so regularly that one seed gives the same trials every time.
    private final long seed = System.nanoTime();
    private final SplittableRandom random = new SplittableRandom(seed);

    public RpoBenchmark(PrintStream out) {
        this.out = out;
    }

    public int run(Settings settings, String outFile) {
        Path work = null;
        try {
            work = Files.createTempDirectory("rpo-benchmark");
            FailoverPolicy policy = FailoverPolicy.defaults()
                    .withHoldDown(Duration.ofMillis(100))
                    .withStorm(1_000_000, Duration.ofMinutes(1));
            RpoReport report = new RpoReport(settings, policy, seed);
            measureMirror(settings, policy, work, report);
            if (settings.commands() > 0) {
                measureCommands(settings, report);
            }
            String text = report.render(machine());
            out.print(text);
            if (outFile != null) {
                Files.writeString(Path.of(outFile), text, StandardCharsets.UTF_8);
            }
            return report.checksHold() ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("benchmark interrupted");
            return 3;
        } catch (Exception e) {
            out.println("benchmark failed: " + e);
            return 3;
        } finally {
            BenchFiles.deleteQuietly(work);
        }
    }

    private void measureMirror(Settings settings, FailoverPolicy policy, Path work, RpoReport report) throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        MirrorCopies copies = new MirrorCopies("level_setpoint");
        // The setpoint is changed directly, as the controller's program would: the program's to change.
        try (SimPair pair = SimPair.startSecure(
                        policy, true, e -> {}, pki, work.resolve("gateway"), TagConfig.ChangedBy.PROGRAM);
                DirectSetpoints setpoints = new DirectSetpoints(pair, pki)) {
            StateMirror mirror = pair.supervisor().mirror();
            mirror.onWrite(copies::add);
            SimPair.await("the pair is protected", Duration.ofSeconds(15), () -> pair.protectedWith(SimPair.A));
            SimPair.await(
                    "the mirror is in sync",
                    Duration.ofSeconds(15),
                    () -> mirror.status().inSync());
            report.period(mirror.period());
            out.println("(a) replication lag: " + settings.changes() + " changes ...");
            report.lag(new ReplicationLag(pair, setpoints, copies, random, out).measure(WARMUP, settings.changes()));
            out.println("(b) loss at takeover: " + settings.trials() + " crashes ...");
            report.loss(
                    new TakeoverLoss(pair, setpoints, copies, random, out).measure(WARMUP_TRIALS, settings.trials()));
        }
    }

    private void measureCommands(Settings settings, RpoReport report) throws IOException {
        Path disk = Path.of(System.getProperty("java.io.tmpdir"));
        Optional<Path> tmpfs = Files.isDirectory(TMPFS) ? Optional.of(TMPFS) : Optional.empty();
        int appends = 2000;
        report.journalCost(disk, JournalCost.perCommand(disk, appends));
        if (tmpfs.isPresent()) {
            report.journalCost(tmpfs.get(), JournalCost.perCommand(tmpfs.get(), appends));
        }
        out.println("(c) signed commands, journal synced to " + disk + " ...");
        report.commands("journal on disk", commandRun(settings, null, report));
        if (tmpfs.isPresent()) {
            out.println("(c) signed commands, journal on " + tmpfs.get() + " ...");
            report.commands("journal on tmpfs", commandRun(settings, tmpfs.get(), report));
        }
    }

    private Optional<CommandBenchmark.Figures> commandRun(Settings settings, Path journalDir, RpoReport report) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CommandBenchmark benchmark = new CommandBenchmark(new PrintStream(printed, true, StandardCharsets.UTF_8));
        benchmark.run(settings.commands(), settings.threads(), null, journalDir);
        report.commandPrintout(printed.toString(StandardCharsets.UTF_8));
        return benchmark.figures();
    }

    private static String machine() {
        return String.format(
                java.util.Locale.ROOT,
                "%d cores, %s %s %s, JDK %s; load average %.1f at the end; controllers, gateway and clients in one JVM,"
                        + " loopback",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                System.getProperty("os.arch"),
                System.getProperty("java.runtime.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
