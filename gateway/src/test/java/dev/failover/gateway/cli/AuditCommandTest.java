package dev.failover.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.certs.TestPki;
import dev.failover.gateway.audit.AuditLog;
import dev.failover.gateway.audit.Checkpoint;
import dev.failover.gateway.audit.Merkle;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway audit verify|show|export} on a real log: verify says OK or names the first bad
 * record; show prints one record with an inclusion proof that checks against the signed checkpoint it
 * carries, and a time range; export writes the same to a file.
 */
class AuditCommandTest {

    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static Path log;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void writeLog() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        log = dir.resolve("audit");
        AuditLog audit = AuditLog.open(
                log,
                "line-3",
                pki.identity(pki.audit("line-3-audit")),
                new AuditLog.Settings(1_000, Duration.ofHours(1)),
                Clock.systemUTC(),
                e -> {});
        var last = audit.append(event(0));
        for (int i = 1; i < 20; i++) {
            last = audit.append(event(i));
        }
        last.get(10, TimeUnit.SECONDS);
        audit.close();
    }

    private static GatewayEvent event(int i) {
        return new GatewayEvent(
                T0.plusSeconds(i), "tank-1", "plc-a", "alarm " + i, new PairDetail.AlarmRaised("HOLD_DOWN"));
    }

    private int run(String... args) {
        return GatewayMain.run(List.of(args), new PrintStream(out, true), new PrintStream(err, true));
    }

    private String ca() {
        return pki.pki().caChainFile().toString();
    }

    @Test
    void verifySaysOkForAnIntactLog() {
        assertThat(run("audit", "verify", "--dir", log.toString(), "--ca", ca()))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("20 record(s), 1 valid checkpoint(s), the last covering 20 record(s); unsigned tail 0")
                .contains("verified: OK");
    }

    @Test
    void showPrintsARecordWithAProofThatChecksAgainstItsSignedCheckpoint() throws Exception {
        assertThat(run("audit", "show", "--dir", log.toString(), "--ca", ca(), "--index", "7"))
                .isZero();

        JsonNode line =
                new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8).strip());
        assertThat(line.path("index").asLong()).isEqualTo(7);
        assertThat(line.path("record").path("message").asText()).isEqualTo("alarm 7");
        Checkpoint signed = Checkpoint.verify(
                line.path("checkpoint").asText(),
                "line-3-audit",
                pki.audit("line-3-audit").certificate().getPublicKey());
        List<byte[]> proof = new ArrayList<>();
        line.path("inclusionProof").forEach(h -> proof.add(HexFormat.of().parseHex(h.asText())));
        byte[] leaf = Merkle.leafHash(
                Files.readAllLines(log.resolve(AuditLog.RECORDS)).get(7).getBytes(StandardCharsets.UTF_8));
        assertThat(Merkle.verifyInclusion(7, signed.size(), leaf, proof, signed.root()))
                .isTrue();
    }

    @Test
    void showTakesATimeRangeAndExportWritesItToAFile() throws Exception {
        Path file = dir.resolve("export.jsonl");
        assertThat(run(
                        "audit",
                        "export",
                        "--dir",
                        log.toString(),
                        "--ca",
                        ca(),
                        "--from",
                        T0.plusSeconds(5).toString(),
                        "--to",
                        T0.plusSeconds(8).toString(),
                        "--out",
                        file.toString()))
                .isZero();

        assertThat(Files.readAllLines(file)).hasSize(3).allMatch(l -> l.contains("\"inclusionProof\""));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("exported 3 record(s)");
    }

    @Test
    void aBadTimeOrAMissingRecordIsNamed() {
        assertThat(run("audit", "show", "--dir", log.toString(), "--ca", ca(), "--from", "yesterday"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--from 'yesterday' is not an ISO 8601 instant");
        assertThat(run("audit", "show", "--dir", log.toString(), "--ca", ca(), "--index", "99"))
                .isEqualTo(ExitCode.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the log has no record 99 (it has 20)");
    }
}
