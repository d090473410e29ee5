package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.TestPki;
import dev.failover.gateway.command.Command;
import dev.failover.gateway.command.CommandResult;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.PairState;
import dev.failover.plcsim.Role;
import dev.failover.testkit.SimPair;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A switchover storm locks the pair (issue 13, part C), with real controllers over Modbus/TCP Security:
 * after more automatic failovers than the storm limit, an active whose heartbeat freezes (it still
 * answers and drives) is not switched away from until an engineer signs a {@code rearm}; a crashed
 * active is still replaced at once (safety rule 9). Roles are read from the controllers themselves.
 */
@Timeout(120)
class StormLockIT {

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

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    private void failOver(String from, String to) {
        pair.plc(from).faults().crash();
        await().atMost(WAIT).until(() -> to.equals(pair.status().activeId()));
        pair.plc(from).faults().clear();
        await().atMost(WAIT).until(() -> pair.protectedWith(to));
    }

    private CommandResult rearm(String engineer) throws Exception {
        var erin = pki.identity(pki.operator(engineer, "engineer"));
        Instant now = Instant.now();
        Command c = new Command(
                UUID.randomUUID().toString(),
                now,
                now.plusSeconds(60),
                SimPair.PAIR,
                CommandAction.REARM,
                Map.of("reason", "the flapping switch port was replaced"));
        return pair.gateway()
                .commands()
                .submit(CmsEnvelope.sign(c.canonicalJson(), erin.privateKey(), erin.chain()), "StormLockIT");
    }

    @Test
    void afterAStormAFrozenActiveIsKeptUntilASignedRearmWhileACrashIsStillReplaced() throws Exception {
        pair = SimPair.startSecure(
                FailoverPolicy.defaults().withHoldDown(Duration.ZERO).withStorm(1, Duration.ofMinutes(10)),
                true,
                events::add,
                pki,
                stateDir,
                c -> c);
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
        CommandResult early = rearm("erin");
        assertThat(early.code()).as(early.toString()).isEqualTo("NOT_LOCKED");

        failOver(SimPair.A, SimPair.B);
        assertThat(pair.status().alarms()).doesNotContainKey(Alarm.STORM_LOCKED);
        failOver(SimPair.B, SimPair.A);
        assertThat(pair.status().alarms()).containsKey(Alarm.STORM_LOCKED);

        pair.plc(SimPair.A).faults().freezeHeartbeat();
        await().atMost(WAIT).until(() -> pair.status().state() == PairState.BLOCKED);
        long cycles = pair.status().health().get(SimPair.B).heartbeat();
        await().atMost(WAIT).until(() -> pair.status().health().get(SimPair.B).heartbeat() > cycles + 20);
        assertThat(pair.plc(SimPair.A).snapshot().role())
                .as("read from the controller: the frozen active is kept while locked")
                .isEqualTo(Role.ACTIVE);
        assertThat(pair.plc(SimPair.B).snapshot().role()).isEqualTo(Role.STANDBY);

        CommandResult done = rearm("erin");
        assertThat(done.outcome()).as(done.toString()).isEqualTo(CommandResult.Outcome.DONE);
        assertThat(done.detail())
                .startsWith("re-armed: plc-a failed: heartbeat did not advance")
                .contains("failover waits for a signed rearm after a switchover storm");
        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        assertThat(pair.plc(SimPair.B).snapshot().role()).isEqualTo(Role.ACTIVE);
        assertThat(events)
                .anyMatch(e ->
                        e.detail() instanceof PairDetail.Rearmed r && r.signer().contains("erin"));
        pair.plc(SimPair.A).faults().clear();
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.B));

        // Locked again by the next storm, a crashed active is still replaced: nothing else would drive.
        failOver(SimPair.B, SimPair.A);
        assertThat(pair.status().alarms()).containsKey(Alarm.STORM_LOCKED);
        pair.plc(SimPair.A).faults().crash();
        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        assertThat(pair.plc(SimPair.B).snapshot().role()).isEqualTo(Role.ACTIVE);
    }
}
