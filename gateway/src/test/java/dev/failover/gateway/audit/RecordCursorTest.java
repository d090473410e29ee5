package dev.failover.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.TestPki;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cursor the MQTT sink reads its backlog with, and the feed of durable records: records read in
 * order from any index, across sealed segments and on into the live file, while the log is written
 * and sealed under the reader; every record of the feed is on disk and the feed has no gap.
 */
class RecordCursorTest {

    @TempDir
    static Path pkiDir;

    private static TestPki pki;

    @TempDir
    Path dir;

    private AuditLog audit;
    private final List<LogRecord> fed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    @AfterEach
    void close() throws Exception {
        if (audit != null) {
            audit.close();
        }
    }

    private void open() throws Exception {
        // Segments of ~8 KiB: a few dozen records each.
        audit = AuditLog.open(
                dir,
                "line-3",
                pki.identity(pki.audit("line-3-audit")),
                new AuditLog.Settings(1_000, Duration.ofHours(1), 8 << 10),
                Clock.systemUTC(),
                e -> {});
        audit.onDurable(fed::addAll);
        assertThat(audit.awaitOpen(Duration.ofSeconds(10))).isTrue();
    }

    /** Appends {@code count} events, waiting for every 20 (a batch each, so the live file is sealed often). */
    private void append(int from, int count) throws Exception {
        List<java.util.concurrent.CompletableFuture<Long>> done = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            if (i % 20 == 0) {
                for (var d : done) {
                    d.get(10, TimeUnit.SECONDS);
                }
            }
            done.add(audit.append(new GatewayEvent(
                    Instant.parse("2026-12-07T08:00:00Z").plusMillis(i),
                    "tank-1",
                    "plc-a",
                    "event " + i,
                    new PairDetail.ControllerHealth("HEALTHY", "HEALTHY", "STANDBY", "RUN"))));
        }
        for (var d : done) {
            d.get(10, TimeUnit.SECONDS);
        }
    }

    private static void assertRecords(List<LogRecord> records, long first, int count) throws Exception {
        assertThat(records).hasSize(count);
        for (int i = 0; i < count; i++) {
            LogRecord r = records.get(i);
            assertThat(r.index()).isEqualTo(first + i);
            assertThat(AuditRecords.parse(r.bytes()).path("index").asLong()).isEqualTo(first + i);
            assertThat(AuditRecords.parse(r.bytes()).path("message").asText()).isEqualTo("event " + (first + i));
        }
    }

    @Test
    void readsFromAnyIndexAcrossSealedSegmentsIntoTheLiveFile() throws Exception {
        open();
        append(0, 500);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("audit-"))
                            .count())
                    .as("sealed segments")
                    .isGreaterThan(3);
        }
        for (long from : new long[] {0, 1, 37, 250, 499}) {
            RecordCursor cursor = audit.cursor(from);
            assertThat(cursor.next()).isEqualTo(from);
            assertRecords(cursor.read(1_000), from, (int) (500 - from));
            assertThat(cursor.read(10)).as("at the end").isEmpty();
        }
        assertThat(audit.cursor(500).read(10)).as("beyond the end: waits there").isEmpty();
    }

    @Test
    void followsTheLogAsItIsWrittenAndSealed() throws Exception {
        open();
        append(0, 10);
        RecordCursor cursor = audit.cursor(5);
        List<LogRecord> read = new ArrayList<>(cursor.read(100));
        for (int round = 0; round < 20; round++) {
            append(10 + round * 30, 30);
            // A chunk at a time, as the MQTT sink reads, while the live file is sealed again and again.
            List<LogRecord> chunk;
            while (!(chunk = cursor.read(7)).isEmpty()) {
                read.addAll(chunk);
            }
        }
        assertRecords(read, 5, 605);
    }

    @Test
    void theDurableFeedHasEveryRecordOnceInOrderAndOnlyOnceOnDisk() throws Exception {
        open();
        append(0, 300);
        await().atMost(Duration.ofSeconds(10)).until(() -> fed.size() == 300);
        assertRecords(fed, 0, 300);
        assertThat(audit.durableSize()).isEqualTo(300);
        assertThat(audit.foundAtStart()).isZero();
        audit.close();
        fed.clear();
        open();
        assertThat(audit.foundAtStart()).as("read back at start").isEqualTo(300);
        assertThat(audit.durableSize()).isEqualTo(300);
        append(300, 5);
        await().atMost(Duration.ofSeconds(10)).until(() -> fed.size() == 5);
        assertRecords(fed, 300, 5);
    }
}
