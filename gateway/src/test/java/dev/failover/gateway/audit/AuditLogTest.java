package dev.failover.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.TestPki;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log written by the gateway's writer and verified as another machine would, with only the
 * CA certificate: an intact log verifies; each kind of tampering (a flipped byte, a record removed, two
 * swapped, the tail cut, a signature replaced, a checkpoint from another log) is found and says where.
 */
class AuditLogTest {

    private static final int RECORDS = 2_500;

    @TempDir
    static Path pkiDir;

    private static TestPki pki;

    @TempDir
    Path dir;

    private final List<GatewayEvent> alarms = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    private Path ca() {
        return pki.pki().caChainFile();
    }

    private static GatewayEvent event(int i) {
        return new GatewayEvent(
                java.time.Instant.parse("2026-12-07T08:00:00Z").plusMillis(i),
                "tank-1",
                i % 2 == 0 ? "plc-a" : "plc-b",
                "controller health " + i,
                new PairDetail.ControllerHealth("HEALTHY", "HEALTHY", "STANDBY", "RUN"));
    }

    private Path write(Path log, String gateway, int count) throws Exception {
        AuditLog audit = AuditLog.open(
                log,
                gateway,
                pki.identity(pki.audit(gateway + "-audit")),
                new AuditLog.Settings(1_000, Duration.ofHours(1)),
                Clock.systemUTC(),
                alarms::add);
        List<CompletableFuture<Long>> appended = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            appended.add(audit.append(event(i)));
        }
        long first = appended.getFirst().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < count; i++) {
            assertThat(appended.get(i).get(10, TimeUnit.SECONDS)).as("in order").isEqualTo(first + i);
        }
        audit.close();
        return log;
    }

    private Path log;

    @BeforeEach
    void writeOne() throws Exception {
        log = write(dir.resolve("audit"), "line-3", RECORDS);
    }

    private AuditVerifier.Report verify(Path directory) throws IOException {
        return AuditVerifier.verify(directory, ca(), Optional.empty());
    }

    private List<String> lines(String file) throws IOException {
        return new ArrayList<>(Files.readAllLines(log.resolve(file), StandardCharsets.UTF_8));
    }

    private void rewrite(String file, List<String> lines) throws IOException {
        Files.writeString(log.resolve(file), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void anIntactLogVerifiesWithOnlyTheCaCertificate() throws Exception {
        AuditVerifier.Report report = verify(log);

        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.records()).isEqualTo(RECORDS);
        assertThat(report.checkpoints())
                .as("one for each group commit of 1,000 or more")
                .isPositive();
        assertThat(report.unsignedTail()).isZero();
        assertThat(alarms).isEmpty();
        String first = lines(AuditLog.RECORDS).getFirst();
        assertThat(first)
                .startsWith("{\"boot\":")
                .contains("\"category\":\"redundancy\"", "\"index\":0", "\"prev\":\"\"", "\"result\":\"success\"")
                .contains("\"source\":\"line-3/tank-1/plc-a\"", "\"type\":\"CONTROLLER_HEALTH\"");
    }

    @Test
    void aReopenedLogGoesOnFromWhereItWas() throws Exception {
        write(log, "line-3", 10);

        AuditVerifier.Report report = verify(log);
        assertThat(report.problems()).isEmpty();
        assertThat(report.records()).isEqualTo(RECORDS + 10);
    }

    @Test
    void aFlippedByteIsFoundAtItsRecord() throws Exception {
        List<String> records = lines(AuditLog.RECORDS);
        records.set(700, records.get(700).replace("controller health 700", "controller health 701"));
        rewrite(AuditLog.RECORDS, records);

        AuditVerifier.Report report = verify(log);
        assertThat(report.ok()).isFalse();
        assertThat(report.firstBadIndex()).isEqualTo(700);
        assertThat(report.problems())
                .anyMatch(
                        p -> p.startsWith("record 700: changed after it was written (record 701 does not follow it)"));
    }

    @Test
    void aRemovedRecordIsFoundAsMissing() throws Exception {
        List<String> records = lines(AuditLog.RECORDS);
        records.remove(1_200);
        rewrite(AuditLog.RECORDS, records);

        AuditVerifier.Report report = verify(log);
        assertThat(report.firstBadIndex()).isEqualTo(1_200);
        assertThat(report.problems()).anyMatch(p -> p.contains("records 1200 to 1200 are missing"));
    }

    @Test
    void twoSwappedRecordsAreFoundOutOfPlace() throws Exception {
        List<String> records = lines(AuditLog.RECORDS);
        String a = records.get(30);
        records.set(30, records.get(31));
        records.set(31, a);
        rewrite(AuditLog.RECORDS, records);

        AuditVerifier.Report report = verify(log);
        assertThat(report.firstBadIndex()).isEqualTo(30);
        assertThat(report.problems()).anyMatch(p -> p.startsWith("record 30: holds index 31"));
    }

    @Test
    void aCutTailIsFoundTruncated() throws Exception {
        List<String> records = lines(AuditLog.RECORDS);
        rewrite(AuditLog.RECORDS, records.subList(0, RECORDS - 100));

        AuditVerifier.Report report = verify(log);
        assertThat(report.firstBadIndex()).isEqualTo(RECORDS - 100);
        assertThat(report.problems())
                .anyMatch(p -> p.contains("covers 2500 records but the log has 2400") && p.contains("truncated"));
    }

    @Test
    void aReplacedSignatureIsFound() throws Exception {
        List<String> checkpoints = lines(AuditLog.CHECKPOINTS);
        String line = checkpoints.getLast();
        int at = line.lastIndexOf(' ') + 10;
        char c = line.charAt(at);
        checkpoints.set(
                checkpoints.size() - 1, line.substring(0, at) + (c == 'A' ? 'B' : 'A') + line.substring(at + 1));
        rewrite(AuditLog.CHECKPOINTS, checkpoints);

        AuditVerifier.Report report = verify(log);
        assertThat(report.ok()).isFalse();
        assertThat(report.problems())
                .anyMatch(p -> p.startsWith("checkpoint " + checkpoints.size() + ": ") && p.contains("signature"));
    }

    @Test
    void aCheckpointFromAnotherLogIsFound() throws Exception {
        Path other = write(dir.resolve("other"), "line-4", 1_000);
        List<String> theirs = Files.readAllLines(other.resolve(AuditLog.CHECKPOINTS));
        List<String> ours = lines(AuditLog.CHECKPOINTS);
        ours.set(0, theirs.getFirst());
        rewrite(AuditLog.CHECKPOINTS, ours);

        AuditVerifier.Report report = verify(log);
        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).anyMatch(p -> p.startsWith("checkpoint 1: signed by an unknown certificate"));

        // The same key cannot vouch for another log's records either: copy its certificates too.
        Files.writeString(
                log.resolve(AuditLog.CERTIFICATES),
                Files.readString(log.resolve(AuditLog.CERTIFICATES))
                        + Files.readString(other.resolve(AuditLog.CERTIFICATES)));
        report = verify(log);
        assertThat(report.problems())
                .anyMatch(p -> p.startsWith("checkpoint 1: the 1000 records it covers do not have the root it signed"));
    }

    @Test
    void aCertificateOfAnotherPkiIsNotTrusted() throws Exception {
        TestPki foreign = TestPki.create(dir.resolve("foreign-pki"));
        AuditVerifier.Report report = AuditVerifier.verify(log, foreign.pki().caChainFile(), Optional.empty());

        assertThat(report.ok()).isFalse();
        assertThat(report.checkpoints()).isZero();
        assertThat(report.problems()).anyMatch(p -> p.contains("its signer is not trusted"));
    }

    @Test
    void aRecordCutShortByACrashIsDroppedAtTheNextOpen() throws Exception {
        Files.write(
                log.resolve(AuditLog.RECORDS),
                "{\"boot\":\"x".getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);

        write(log, "line-3", 1);

        AuditVerifier.Report report = verify(log);
        assertThat(report.problems()).isEmpty();
        assertThat(report.records()).isEqualTo(RECORDS + 1);
    }

    @Test
    void aLogDamagedFurtherBackIsKeptAsideAndANewOneBegins() throws Exception {
        List<String> records = lines(AuditLog.RECORDS);
        records.remove(5);
        rewrite(AuditLog.RECORDS, records);

        write(log, "line-3", 3);

        assertThat(alarms).singleElement().satisfies(e -> assertThat(e.type()).isEqualTo("AUDIT_LOG_DAMAGED"));
        try (Stream<Path> files = Files.list(log)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("damaged-")))
                    .singleElement()
                    .satisfies(
                            aside -> assertThat(aside.resolve(AuditLog.RECORDS)).exists());
        }
        AuditVerifier.Report report = verify(log);
        assertThat(report.problems()).isEmpty();
        assertThat(report.records())
                .as("the damaged log is kept aside, not verified here")
                .isEqualTo(3);
    }

    @Test
    void sealedSegmentsKeepTheChainAcrossFilesAndReopenGoesOn() throws Exception {
        Path rotated = dir.resolve("rotated");
        AuditLog audit = AuditLog.open(
                rotated,
                "line-3",
                pki.identity(pki.audit("line-3-audit")),
                new AuditLog.Settings(1_000, Duration.ofHours(1), 20_000),
                Clock.systemUTC(),
                alarms::add);
        for (int round = 0; round < 5; round++) {
            CompletableFuture<Long> last = null;
            for (int i = 0; i < 100; i++) {
                last = audit.append(event(round * 100 + i));
            }
            last.get(10, TimeUnit.SECONDS);
        }
        audit.close();
        write(rotated, "line-3", 10);

        try (Stream<Path> files = Files.list(rotated)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("audit-0")))
                    .as("sealed segments")
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allMatch(n -> n.matches("audit-[0-9]{20}\\.jsonl"));
        }
        AuditVerifier.Report report = AuditVerifier.verify(rotated, ca(), Optional.empty());
        assertThat(report.problems()).isEmpty();
        assertThat(report.records()).isEqualTo(510);
        assertThat(report.unsignedTail()).isZero();
    }

    @Test
    void flushReturnsOnceTheCallingThreadsEventsAreOnDiskInTheSameRoundsAsTheJournal() throws Exception {
        // The audit log joins the gateway's group commit, as the journal and the replay store do.
        dev.failover.gateway.durable.GroupCommit group = new dev.failover.gateway.durable.GroupCommit("state");
        AuditLog audit = AuditLog.open(
                dir,
                "gw",
                pki.identity(pki.audit("gw-flush-audit")),
                new AuditLog.Settings(1_000, Duration.ofHours(1)),
                Clock.systemUTC(),
                alarms::add,
                group);
        int threads = 4;
        int perThread = 200;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String message = "thread " + thread + " command " + i;
                        audit.publish(new GatewayEvent(
                                java.time.Instant.now(),
                                "tank-1",
                                "",
                                message,
                                new PairDetail.ControllerHealth("HEALTHY", "HEALTHY", "STANDBY", "RUN")));
                        assertThat(audit.flush(Duration.ofSeconds(10))).isTrue();
                        // What a crash right now would leave: the file as it is.
                        assertThat(records(dir)).as("on disk after flush").anyMatch(r -> r.contains(message));
                    }
                    return null;
                }));
            }
            for (var w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            audit.close();
        }
        assertThat(group.figures().appends())
                .as("each batch took a ticket of the group")
                .isPositive();
        assertThat(AuditVerifier.verify(dir, ca(), Optional.empty()).problems()).isEmpty();
    }

    @Test
    void flushSaysSoWhenTheThreadsEventWasNotKept() throws Exception {
        AuditLog audit = AuditLog.open(
                dir,
                "gw",
                pki.identity(pki.audit("gw-closed-audit")),
                new AuditLog.Settings(1_000, Duration.ofHours(1)),
                Clock.systemUTC(),
                alarms::add);
        audit.close();
        audit.publish(event(1));
        assertThat(audit.flush(Duration.ofSeconds(1)))
                .as("dropped: the log is closed")
                .isFalse();
        assertThat(audit.flush(Duration.ofSeconds(1)))
                .as("nothing published since")
                .isTrue();
        assertThat(audit.dropped()).isEqualTo(1);
    }

    private static List<String> records(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve(AuditLog.RECORDS), StandardCharsets.UTF_8);
    }
}
