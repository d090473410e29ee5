package dev.failover.bench;

import dev.failover.certs.Identity;
import dev.failover.certs.TestPki;
import dev.failover.gateway.Gateway;
import dev.failover.gateway.command.Command;
import dev.failover.gateway.command.CommandResult;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.failover.PairState;
import dev.failover.testkit.SimPair;
import java.io.PrintStream;
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
 * the gateway's command service with its durable replay store. Commands are signed beforehand (that
 * is the operators' work); the measurement is the gateway's.
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

    public int run(int commands, int threads, String outFile) {
        return run(commands, threads, outFile, null);
    }

    /**
     * As {@link #run(int, int, String)}; with a {@code journalDir}, the gateway's command journal is
     * there (a symbolic link from its state directory, see {@link JournalCost#placeJournal}) and the
     * replay store stays in the temporary directory: on a tmpfs, the journal's appends then cost no
     * disk sync. For comparing the command path with and without the journal's durability.
     */
    int run(int commands, int threads, String outFile, Path journalDir) {
        Path work = null;
        Path journalAway = null;
        try {
            work = Files.createTempDirectory("command-benchmark");
            TestPki pki = TestPki.create(work);
            Path journalLink = work.resolve("state").resolve(JournalCost.JOURNAL_FILE);
            if (journalDir != null) {
                journalAway = JournalCost.placeJournal(journalLink.getParent(), journalDir);
            }
            Identity operator = pki.identity(pki.operator("alice", "operator"));
            double rawVerify = rawVerifyRate(operator, java.security.Security.getProvider("BC"));
            double rawVerifyJdk = rawVerifyRate(operator, null);
            try (SimPair pair = SimPair.startSecure(FailoverPolicy.defaults(), false, e -> {}, pki, work)) {
                Gateway gateway = pair.gateway();
                SimPair.await(
                        "the pair is protected",
                        Duration.ofSeconds(15),
                        () -> pair.status().state() == PairState.PROTECTED);
                List<byte[]> envelopes = new ArrayList<>();
                for (int i = 0; i < commands + commands / 10; i++) {
                    envelopes.add(sign(operator, 1 + (i % 9000) / 100.0));
                }
                // Warm-up: the first tenth, not counted.
                execute(gateway, envelopes.subList(0, commands / 10), threads, new Stats());
                Stats latency = new Stats();
                long start = System.nanoTime();
                int done = execute(gateway, envelopes.subList(commands / 10, envelopes.size()), threads, latency);
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = done / seconds;
                boolean journalOnDisk = journalDir == null || !Files.isSymbolicLink(journalLink);
                String journal = journalDir == null
                        ? "journal synced per command"
                        : journalOnDisk
                                ? "journal meant for " + journalDir + " but moved back by a compaction: NOT VALID"
                                : "journal in " + journalDir + " (not on the state directory's disk)";
                String report = String.format(
                        Locale.ROOT,
                        "Signed commands: %d tag writes, %d submitting threads, in-process command service, active "
                                + "controller over Modbus/TCP Security, replay store synced per command, %s%n"
                                + "  executed       %d of %d done in %.2f s: %.0f commands/s%n"
                                + "  latency        submit to done: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n"
                                + "  raw verify     ECDSA P-256, one thread: %.0f/s (BouncyCastle), %.0f/s (JDK)%n"
                                + "  targets        >= %.0f commands/s and p99 <= %.0f ms: %s%n",
                        commands,
                        threads,
                        journal,
                        done,
                        commands,
                        seconds,
                        rate,
                        latency.quantile(0.5),
                        latency.quantile(0.99),
                        latency.max(),
                        rawVerify,
                        rawVerifyJdk,
                        THROUGHPUT_TARGET,
                        P99_TARGET_MS,
                        rate >= THROUGHPUT_TARGET && latency.quantile(0.99) <= P99_TARGET_MS && done == commands
                                ? "MET"
                                : "MISSED");
                figures = Optional.of(new Figures(
                        done, rate, latency.quantile(0.5), latency.quantile(0.99), latency.max(), journalOnDisk));
                out.print(report);
                failures.forEach((what, n) -> out.println("  not done       " + n + " x " + what));
                if (outFile != null) {
                    Files.writeString(Path.of(outFile), report, StandardCharsets.UTF_8);
                }
                return report.contains("MET\n") ? 0 : 1;
            }
        } catch (Exception e) {
            out.println("benchmark failed: " + e);
            return 3;
        } finally {
            BenchFiles.deleteQuietly(work);
            BenchFiles.deleteQuietly(journalAway);
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
