package dev.failover.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.failover.certs.Identity;
import dev.failover.certs.TestPki;
import dev.failover.gateway.Gateway;
import dev.failover.gateway.command.Command;
import dev.failover.gateway.command.CommandResult;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.durable.GroupCommit;
import dev.failover.gateway.failover.PairState;
import dev.failover.testkit.SimPair;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures signed commands: how many the gateway verifies and executes per second, and the latency
 * from submission to done, beside the raw ECDSA P-256 verification rate of this machine in the same
 * run. Real parts throughout: a throwaway PKI, two plc-sim controllers over Modbus/TCP Security,
 * the gateway's command service with its replay store, command journal and audit log, each synced
 * before a command's answer (group commit). Commands are signed beforehand (that is the operators'
 * work); the measurement is the gateway's.
 */
public final class CommandBenchmark {

    static final double THROUGHPUT_TARGET = 2000;
    static final double P99_TARGET_MS = 5;

    private final PrintStream out;
    private final Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();

    public CommandBenchmark(PrintStream out) {
        this.out = out;
    }

    /**
     * The figures of the last run: commands done, per second, and the latency quantiles in ms.
     *
     * @param journalOnDisk false when the journal was on {@code journalDir} and stayed there
     */
    record Figures(int done, double perSecond, double p50, double p99, double max, boolean journalOnDisk) {}

    private Optional<Figures> figures = Optional.empty();

    /**
     * The benchmark of issue 14, in one run: the raw ECDSA P-256 verify rate of this machine; then the
     * command path with the replay store, the journal and the audit log synced to the disk of the
     * temporary directory (the target); then the same with them on a tmpfs ({@code /dev/shm}), where a
     * sync costs nothing: what the syncs cost. A warm-up pass (half as many commands, on the tmpfs) runs
     * first and is not reported, so that both measured passes find the JIT equally warm.
     *
     * @return 0 when the targets are met with the syncs on, 1 when not, 3 when the run failed
     */
    public int run(int commands, int threads, String outFile) {
        Path work = null;
        try {
            work = Files.createTempDirectory("command-benchmark");
            TestPki pki = TestPki.create(work);
            Identity operator = pki.identity(pki.operator("alice", "operator"));
            double rawVerify = rawVerifyRate(operator, java.security.Security.getProvider("BC"));
            double rawVerifyJdk = rawVerifyRate(operator, null);
            Optional<Path> tmpfs = tmpfs();
            measure(pki, operator, tmpfs.orElse(work), "warm-up", Math.max(100, commands / 2), threads, null);
            failures.clear();
            Pass synced = measure(pki, operator, work, "synced", commands, threads, null);
            Map<String, Integer> syncedFailures = Map.copyOf(failures);
            Optional<Pass> unsynced = tmpfs.isPresent()
                    ? Optional.of(measure(pki, operator, tmpfs.get(), "tmpfs", commands, threads, null))
                    : Optional.empty();
            boolean met = synced.figures().perSecond() >= THROUGHPUT_TARGET
                    && synced.figures().p99() <= P99_TARGET_MS
                    && synced.figures().done() == commands;
            StringBuilder report = new StringBuilder(String.format(
                    Locale.ROOT,
                    "Signed commands: %d tag writes a pass, %d submitting threads, in-process command service, both "
                            + "controllers over Modbus/TCP Security, the replay store, the journal and the audit log "
                            + "on, DONE only once their records are synced (group commit)%n"
                            + "  raw verify     ECDSA P-256, one thread: %.0f/s (BouncyCastle), %.0f/s (JDK)%n",
                    commands,
                    threads,
                    rawVerify,
                    rawVerifyJdk));
            report.append(synced.line("synced", "state on " + synced.fileSystem()));
            if (!synced.fileSystem().startsWith("ext") && !synced.fileSystem().startsWith("xfs")) {
                report.append("                 (")
                        .append(synced.fileSystem())
                        .append(": a sync may cost nothing there; run with a temporary directory on a disk)\n");
            }
            unsynced.ifPresentOrElse(
                    u -> report.append(u.line("syncs off", "state on " + u.fileSystem() + ", a sync costs nothing")),
                    () -> report.append("  syncs off      not measured: no tmpfs at /dev/shm\n"));
            report.append(String.format(
                    Locale.ROOT,
                    "  targets        >= %.0f commands/s and p99 <= %.0f ms with the syncs on: %s; %.2f x the raw "
                            + "verify rate (goal >= 0.5)%n",
                    THROUGHPUT_TARGET,
                    P99_TARGET_MS,
                    met ? "MET" : "MISSED",
                    synced.figures().perSecond() / rawVerify));
            figures = Optional.of(synced.figures());
            out.print(report);
            syncedFailures.forEach((what, n) -> out.println("  not done       " + n + " x " + what));
            if (outFile != null) {
                Files.writeString(Path.of(outFile), report, StandardCharsets.UTF_8);
            }
            return met ? 0 : 1;
        } catch (Exception e) {
            out.println("benchmark failed: " + e);
            return 3;
        } finally {
            BenchFiles.deleteQuietly(work);
        }
    }

    /**
     * One measured pass.
     *
     * @param rounds rounds of syncs shared by the replay store, the journal and the audit log
     * @param syncs syncs of files run in them
     * @param cpuMillis the process's CPU time per command, in ms (the controllers run in it too)
     */
    private record Pass(Figures figures, String fileSystem, long rounds, long syncs, double cpuMillis) {

        String line(String label, String where) {
            int n = Math.max(1, figures.done());
            return String.format(
                    Locale.ROOT,
                    "  %-14s %.0f commands/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms (%s); %.2f sync rounds and %.2f "
                            + "file syncs a command, CPU %.2f ms a command%n",
                    label,
                    figures.perSecond(),
                    figures.p50(),
                    figures.p99(),
                    figures.max(),
                    where,
                    (double) rounds / n,
                    (double) syncs / n,
                    cpuMillis);
        }
    }

    /** {@code /dev/shm} when it is a tmpfs (where a sync costs nothing). */
    private static Optional<Path> tmpfs() {
        Path shm = Path.of("/dev/shm");
        try {
            return Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs")
                    ? Optional.of(shm)
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * One pass: a gateway with its state in a new directory under {@code base}, {@code commands} after
     * a tenth uncounted; with a {@code journalDir}, its journal there (see {@link
     * JournalCost#placeJournal}).
     */
    private Pass measure(
            TestPki pki, Identity operator, Path base, String label, int commands, int threads, Path journalDir)
            throws Exception {
        Path stateDir = Files.createTempDirectory(base, "command-benchmark-" + label);
        Path journalLink = stateDir.resolve("state").resolve(JournalCost.JOURNAL_FILE);
        Path journalAway = journalDir == null ? null : JournalCost.placeJournal(journalLink.getParent(), journalDir);
        try (SimPair pair = SimPair.startSecure(FailoverPolicy.defaults(), false, e -> {}, pki, stateDir)) {
            Gateway gateway = pair.gateway();
            SimPair.await(
                    "the pair is protected",
                    Duration.ofSeconds(15),
                    () -> pair.status().state() == PairState.PROTECTED);
            List<byte[]> envelopes = new ArrayList<>();
            for (int i = 0; i < commands + commands / 10; i++) {
                envelopes.add(sign(operator, 1 + (i % 9000) / 100.0));
            }
            execute(gateway, envelopes.subList(0, commands / 10), threads, new Stats());
            GroupCommit.Figures before = gateway.syncFigures().orElseThrow();
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuBefore = os.getProcessCpuTime();
            Stats latency = new Stats();
            long start = System.nanoTime();
            int done = execute(gateway, envelopes.subList(commands / 10, envelopes.size()), threads, latency);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e6 / Math.max(1, done);
            GroupCommit.Figures after = gateway.syncFigures().orElseThrow();
            Figures f = new Figures(
                    done,
                    done / seconds,
                    latency.quantile(0.5),
                    latency.quantile(0.99),
                    latency.max(),
                    journalDir == null || !Files.isSymbolicLink(journalLink));
            return new Pass(
                    f,
                    Files.getFileStore(stateDir).type(),
                    after.rounds() - before.rounds(),
                    after.syncs() - before.syncs(),
                    cpu);
        } finally {
            BenchFiles.deleteQuietly(stateDir);
            BenchFiles.deleteQuietly(journalAway);
        }
    }

    /**
     * The command path with the gateway's command journal in {@code journalDir} (a symbolic link from
     * its state directory, see {@link JournalCost#placeJournal}) and the replay store in the temporary
     * directory: on a tmpfs, the journal's appends then cost no disk sync. For the RPO benchmark's
     * comparison of the command path with and without the journal's durability.
     */
    int run(int commands, int threads, String outFile, Path journalDir) {
        Path work = null;
        try {
            work = Files.createTempDirectory("command-benchmark");
            TestPki pki = TestPki.create(work);
            Identity operator = pki.identity(pki.operator("alice", "operator"));
            Pass pass = measure(pki, operator, work, "rpo", commands, threads, journalDir);
            String journal = pass.figures().journalOnDisk()
                    ? journalDir == null
                            ? "journal on " + pass.fileSystem()
                            : "journal meant for " + journalDir + " but moved back by a compaction: NOT VALID"
                    : "journal in " + journalDir + " (not on the state directory's disk)";
            String report = String.format(
                    Locale.ROOT,
                    "Signed commands: %d tag writes, %d submitting threads, %s%n%s",
                    commands,
                    threads,
                    journal,
                    pass.line("executed", "replay store and audit log on " + pass.fileSystem()));
            figures = Optional.of(pass.figures());
            out.print(report);
            failures.forEach((what, n) -> out.println("  not done       " + n + " x " + what));
            if (outFile != null) {
                Files.writeString(Path.of(outFile), report, StandardCharsets.UTF_8);
            }
            return 0;
        } catch (Exception e) {
            out.println("benchmark failed: " + e);
            return 3;
        } finally {
            BenchFiles.deleteQuietly(work);
        }
    }

    /** The figures of the last run that completed. */
    Optional<Figures> figures() {
        return figures;
    }

    private int execute(Gateway gateway, List<byte[]> envelopes, int threads, Stats latency) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < envelopes.size(); i = next.getAndIncrement()) {
                        long start = System.nanoTime();
                        CommandResult r = gateway.commands().submit(envelopes.get(i), "benchmark");
                        long took = System.nanoTime() - start;
                        synchronized (latency) {
                            latency.add(took / 1e6);
                        }
                        if (r.outcome() == CommandResult.Outcome.DONE) {
                            done.incrementAndGet();
                        } else {
                            failures.merge(r.outcome() + " " + r.code() + ": " + r.detail(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return done.get();
    }

    private static byte[] sign(Identity operator, double value) {
        Instant now = Instant.now();
        Command c = new Command(
                UUID.randomUUID().toString(),
                now,
                now.plusSeconds(240),
                SimPair.PAIR,
                CommandAction.WRITE_TAG,
                Map.of("tag", "level_setpoint", "value", value));
        return CmsEnvelope.sign(c.canonicalJson(), operator.privateKey(), operator.chain());
    }

    /** Verifications per second of one ECDSA P-256 signature over ~200 bytes, one thread, for ~1 s. */
    private static double rawVerifyRate(Identity id, Provider provider) throws Exception {
        byte[] message = new byte[200];
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(id.privateKey());
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = provider == null
                ? Signature.getInstance("SHA256withECDSA")
                : Signature.getInstance("SHA256withECDSA", provider);
        for (int i = 0; i < 2000; i++) {
            verifier.initVerify(id.certificate().getPublicKey());
            verifier.update(message);
            verifier.verify(signature);
        }
        int n = 0;
        long start = System.nanoTime();
        long end = start + 1_000_000_000L;
        while (System.nanoTime() < end) {
            verifier.initVerify(id.certificate().getPublicKey());
            verifier.update(message);
            if (!verifier.verify(signature)) {
                throw new IllegalStateException("a valid signature did not verify");
            }
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
