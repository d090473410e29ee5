package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.TestPki;
import dev.failover.gateway.command.CommandResult;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.PostureConfig;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.events.SecurityDetail;
import dev.failover.testkit.SimPair;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anomaly watch on a real pair (issue 13, part C): a failover that comes right after refused
 * connections at the gateway's control endpoint is an anomaly with that evidence; a controller whose
 * firmware changes under the posture probe is one; signed writes, a planned switchover and a crash
 * failover with nothing suspicious before it are none.
 */
@Timeout(90)
class AnomalyIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path pkiDir;

    private static TestPki pki;

    @TempDir
    Path stateDir;

    private SimPair pair;
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    @BeforeEach
    void start() throws Exception {
        pair = SimPair.startSecure(
                FailoverPolicy.defaults().withHoldDown(Duration.ZERO),
                true,
                events::add,
                pki,
                stateDir,
                c -> c.withSecurity(
                        c.security().withPosture(PostureConfig.defaults().withPeriod(Duration.ofMillis(500)))));
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
    }

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    private List<SecurityDetail.Anomaly> anomalies() {
        return events.stream()
                .map(GatewayEvent::detail)
                .filter(SecurityDetail.Anomaly.class::isInstance)
                .map(SecurityDetail.Anomaly.class::cast)
                .toList();
    }

    private boolean failedOverTo(String id) {
        return events.stream()
                .anyMatch(e -> e.detail() instanceof PairDetail.SwitchoverCompleted c
                        && c.kind().equals("FAILOVER")
                        && c.to().equals(id));
    }

    @Test
    void aFailoverRightAfterRefusedConnectionsIsAFailoverUnderAttack() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (Socket s = new Socket("127.0.0.1", pair.gateway().controlPort())) {
                OutputStream out = s.getOutputStream();
                out.write("{\"op\":\"status\"}\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.getInputStream().read();
            }
        }
        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type().equals("CONTROL_REFUSED")));

        pair.plc(SimPair.A).faults().crash();

        await().atMost(WAIT)
                .until(() -> anomalies().stream().anyMatch(a -> a.rule().equals("failoverUnderAttack")));
        SecurityDetail.Anomaly a = anomalies().stream()
                .filter(x -> x.rule().equals("failoverUnderAttack"))
                .findFirst()
                .orElseThrow();
        assertThat(a.technique()).isEqualTo("T0814");
        assertThat(a.evidence()).anyMatch(l -> l.contains("CONTROL_REFUSED"));
        assertThat(a.evidence().getLast()).contains("SWITCHOVER_COMPLETED");
    }

    @Test
    void aControllerWhoseFirmwareChangesIsAnAnomaly() {
        await().atMost(WAIT)
                .until(() -> pair.gateway()
                                .posture()
                                .status(SimPair.PAIR)
                                .controllers()
                                .size()
                        == 2);

        pair.plc(SimPair.B).posture().firmwareVersion("plc-sim 6.6.6");

        await().atMost(WAIT)
                .until(() -> anomalies().stream().anyMatch(a -> a.rule().equals("controllerChanged")));
        assertThat(anomalies())
                .filteredOn(a -> a.rule().equals("controllerChanged"))
                .first()
                .satisfies(a -> {
                    assertThat(a.technique()).isEqualTo("T0839");
                    assertThat(a.evidence().getFirst()).contains("plc-sim 6.6.6");
                });
    }

    @Test
    void aHeartbeatThatRunsBackwardsWhileTheControllerAnswersIsAnAnomaly() {
        int now = pair.status().health().get(SimPair.B).heartbeat();

        pair.plc(SimPair.B).faults().spoofHeartbeat((now + 60_000) & 0xFFFF);

        await().atMost(WAIT)
                .until(() -> anomalies().stream().anyMatch(a -> a.rule().equals("heartbeatIrregular")));
        assertThat(anomalies())
                .filteredOn(a -> a.rule().equals("heartbeatIrregular"))
                .first()
                .satisfies(a -> assertThat(a.technique()).isEqualTo("T0856"));
        assertThat(pair.status().activeId())
                .as("an irregular heartbeat is no failover")
                .isEqualTo(SimPair.A);
    }

    @Test
    void signedWritesAPlannedSwitchoverAndACrashFailoverAreNoAnomaly() throws Exception {
        for (int i = 0; i < 5; i++) {
            CommandResult done = pair.gateway()
                    .commands()
                    .writeTagAsUser(SimPair.PAIR, "level_setpoint", 40.0 + i, "CN=alice", "operator", "AnomalyIT");
            assertThat(done.outcome()).isEqualTo(CommandResult.Outcome.DONE);
        }
        assertThat(pair.supervisor()
                        .requestSwitchover("AnomalyIT", "drill")
                        .get(30, TimeUnit.SECONDS)
                        .ok())
                .isTrue();
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.B));

        pair.plc(SimPair.B).faults().crash();
        await().atMost(WAIT).until(() -> failedOverTo(SimPair.A));

        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> anomalies().isEmpty());
    }
}
