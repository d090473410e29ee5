package dev.failover.bench;

import dev.failover.certs.TestPki;
import dev.failover.gateway.audit.AuditLog;
import dev.failover.gateway.audit.AuditVerifier;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the audit log costs (issue 14): the append rate of its writer (canonical JSON, SHA-256 leaves,
 * one sync per batch, a signed checkpoint every 1,000 records), with appends queued as fast as the
 * caller can, and the offline verifier's rate over the same log (every record re-hashed and checked,
 * every checkpoint's signature, root and consistency). The log is written to a temporary directory.
 */
final class AuditBenchmark {

    private final PrintStream out;

    AuditBenchmark(PrintStream out) {
        this.out = out;
    }

    int run(int records) {
        Path work = null;
        try {
            work = Files.createTempDirectory("audit-benchmark");
            TestPki pki = TestPki.create(work.resolve("pki"));
            Path dir = work.resolve("audit");
            AuditLog audit = AuditLog.open(
                    dir,
                    "bench-gateway",
                    pki.identity(pki.audit("bench-gateway-audit")),
                    AuditLog.Settings.defaults(),
                    Clock.systemUTC(),
                    e -> {});
            Instant t0 = Instant.now();
            long started = System.nanoTime();
            CompletableFuture<Long> last = null;
            for (int i = 0; i < records; i++) {
                GatewayEvent event = new GatewayEvent(
                        t0.plusNanos(i * 1_000L),
                        "tank-1",
                        i % 2 == 0 ? "plc-a" : "plc-b",
                        "controller health " + i,
                        new PairDetail.ControllerHealth("HEALTHY", "HEALTHY", "STANDBY", "RUN"));
                last = audit.append(event);
                if (i % 50_000 == 49_999) {
                    // The queue holds 65,536: the producer waits for the writer now and then so that no
                    // record is dropped (a gateway never waits: it would drop and count them).
                    last.get(1, TimeUnit.MINUTES);
                }
            }
            last.get(10, TimeUnit.MINUTES);
            double appendSeconds = (System.nanoTime() - started) / 1e9;
            long dropped = audit.dropped();
            audit.close();
            long bytes = Files.size(dir.resolve(AuditLog.RECORDS));
            long checkpoints =
                    Files.readAllLines(dir.resolve(AuditLog.CHECKPOINTS)).size();

            long verifying = System.nanoTime();
            AuditVerifier.Report report = AuditVerifier.verify(dir, pki.pki().caChainFile(), Optional.empty());
            double verifySeconds = (System.nanoTime() - verifying) / 1e9;
            out.printf(
                    Locale.ROOT,
                    "Audit log: %d records (%.0f MB, %d signed checkpoints), one writer thread, synced per batch%n"
                            + "  append    %.0f records/s (%.1f s; %d dropped)%n"
                            + "  verify    %.0f records/s (%.1f s, every record and checkpoint): %s%n",
                    records,
                    bytes / 1e6,
                    checkpoints,
                    records / appendSeconds,
                    appendSeconds,
                    dropped,
                    records / verifySeconds,
                    verifySeconds,
                    report.ok() ? "OK" : "FAILED " + report.problems());
            return report.ok() ? 0 : 1;
        } catch (Exception e) {
            out.println("benchmark failed: " + e);
            return 3;
        } finally {
            BenchFiles.deleteQuietly(work);
        }
    }
}
