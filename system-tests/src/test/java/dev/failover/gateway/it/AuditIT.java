package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.TestPki;
import dev.failover.gateway.audit.AuditLog;
import dev.failover.gateway.command.CommandResult;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.testkit.SimPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's evidence, end to end (issue 14): a real pair over Modbus/TCP Security with the audit
 * log on records signed commands and a failover; the log, copied to another directory with nothing but
 * the plant's CA certificate, verifies in another process ({@code gateway audit verify}); a record
 * changed afterwards is found there, with its index.
 */
@Timeout(120)
class AuditIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path pkiDir;

    private static TestPki pki;

    @TempDir
    Path stateDir;

    @TempDir
    Path elsewhere;

    private SimPair pair;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    /** {@code gateway audit verify} in a process of its own; its exit code and output. */
    private record Run(int exit, String output) {}

    private static Run verifyElsewhere(Path dir, Path ca) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.failover.gateway.cli.GatewayMain",
                        "audit",
                        "verify",
                        "--dir",
                        dir.toString(),
                        "--ca",
                        ca.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), output);
    }

    @Test
    void signedCommandsAndAFailoverAreEvidenceThatVerifiesElsewhereAndTamperingIsFound() throws Exception {
        pair = SimPair.startSecure(FailoverPolicy.defaults(), true, e -> {}, pki, stateDir, c -> c);
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
        for (int i = 0; i < 5; i++) {
            CommandResult done = pair.gateway()
                    .commands()
                    .writeTagAsUser(SimPair.PAIR, "level_setpoint", 40.0 + i, "CN=alice", "operator", "AuditIT");
            assertThat(done.outcome()).as(done.toString()).isEqualTo(CommandResult.Outcome.DONE);
        }
        pair.plc(SimPair.A).faults().crash();
        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        await().atMost(WAIT).until(() -> pair.gateway().audit().orElseThrow().latestCheckpoint() != null);
        pair.close();
        pair = null;

        // Another machine: the log and the CA certificate, nothing else.
        Path copy = elsewhere.resolve("audit");
        Files.createDirectories(copy);
        for (String file : List.of(AuditLog.RECORDS, AuditLog.CHECKPOINTS, AuditLog.CERTIFICATES)) {
            Files.copy(stateDir.resolve("audit").resolve(file), copy.resolve(file));
        }
        Path ca = elsewhere.resolve("ca-chain.pem");
        Files.copy(pki.pki().caChainFile(), ca);
        List<String> records = new ArrayList<>(Files.readAllLines(copy.resolve(AuditLog.RECORDS)));
        assertThat(records).anyMatch(r -> r.contains("\"type\":\"SWITCHOVER_COMPLETED\""));
        assertThat(records).anyMatch(r -> r.contains("\"category\":\"command\""));
        assertThat(records.getFirst()).as("the first record is the start").contains("\"type\":\"GATEWAY_STARTED\"");
        assertThat(records.getLast()).as("the last is the stop").contains("\"type\":\"GATEWAY_STOPPING\"");

        Run ok = verifyElsewhere(copy, ca);
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("verified: OK").contains("unsigned tail 0");

        int changed = records.size() / 2;
        records.set(changed, records.get(changed).replace("\"message\":\"", "\"message\":\"nothing happened: "));
        Files.writeString(copy.resolve(AuditLog.RECORDS), String.join("\n", records) + "\n");

        Run tampered = verifyElsewhere(copy, ca);
        assertThat(tampered.exit()).as(tampered.output()).isEqualTo(1);
        assertThat(tampered.output()).contains("first bad record: " + changed).contains("verified: FAILED");
    }
}
