package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.gateway.Gateway;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.RelayBox;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimulatedPlc;
import dev.failover.testkit.SimPair;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A gateway that starts (or restarts) learns which controller is active from the controllers
 * themselves and never makes a second one active.
 */
@Timeout(60)
class GatewayRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Plant plant = Plant.inMemory();
    private RelayBox relays;
    private SimulatedPlc a;
    private SimulatedPlc b;
    private Gateway gateway;

    private void controllers(Role roleA, Role roleB) throws Exception {
        a = SimulatedPlc.start(SimConfig.of(SimPair.A, roleA), plant);
        b = SimulatedPlc.start(SimConfig.of(SimPair.B, roleB), plant);
    }

    private Gateway startGateway(boolean fences) throws Exception {
        if (fences && relays == null) {
            relays = RelayBox.start(plant, "127.0.0.1", 0);
        }
        GatewayConfig config = SimPair.config(FailoverPolicy.defaults(), fences ? relays : null, a, b);
        gateway = Gateway.start(config, Ticker.system(), Clock.systemUTC(), e -> {});
        return gateway;
    }

    private PairStatus status() {
        return gateway.pair(SimPair.PAIR).status();
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (relays != null) {
            relays.close();
        }
        for (SimulatedPlc p : new SimulatedPlc[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
        plant.close();
    }

    @Test
    void aRestartedGatewayAdoptsTheControllerThatIsActiveEvenIfItIsNotThePreferredPrimary() throws Exception {
        controllers(Role.STANDBY, Role.ACTIVE);
        startGateway(true);

        await().atMost(WAIT).until(() -> status().state() == PairState.PROTECTED);

        assertThat(status().activeId()).isEqualTo(SimPair.B);
        assertThat(status().switchovers()).isZero();
        assertThat(a.snapshot().role()).isEqualTo(Role.STANDBY);

        gateway.close();
        startGateway(true);

        await().atMost(WAIT).until(() -> status().state() == PairState.PROTECTED);
        assertThat(status().activeId()).isEqualTo(SimPair.B);
        assertThat(status().switchovers()).isZero();
        assertThat(a.snapshot().role()).isEqualTo(Role.STANDBY);
    }

    @Test
    void whenBothReportActiveAtStartTheOtherIsDemotedBeforeAnythingElse() throws Exception {
        controllers(Role.ACTIVE, Role.ACTIVE);
        startGateway(true);

        await().atMost(WAIT).until(() -> status().state() == PairState.PROTECTED);

        assertThat(status().activeId()).isEqualTo(SimPair.A);
        assertThat(b.snapshot().role()).isEqualTo(Role.STANDBY);
        assertThat(status().alarms()).doesNotContainKey(Alarm.SPLIT_BRAIN);
    }

    @Test
    void whenNeitherIsActiveThePreferredPrimaryIsPromoted() throws Exception {
        controllers(Role.STANDBY, Role.STANDBY);
        startGateway(true);

        await().atMost(WAIT).until(() -> status().state() == PairState.PROTECTED);

        assertThat(status().activeId()).isEqualTo(SimPair.A);
        assertThat(a.snapshot().role()).isEqualTo(Role.ACTIVE);
        assertThat(b.snapshot().role()).isEqualTo(Role.STANDBY);
    }

    @Test
    void anUnreachableControllerAtStartIsNeverJoinedByASecondActive() throws Exception {
        // plc-a was active when the gateway went down, and is hung when it comes back.
        controllers(Role.ACTIVE, Role.STANDBY);
        a.faults().hang();
        startGateway(false);

        await().atMost(WAIT).until(() -> status().alarms().containsKey(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN));

        assertThat(b.snapshot().role()).isEqualTo(Role.STANDBY);
        assertThat(status().state()).isEqualTo(PairState.BLOCKED);

        a.faults().clear();

        await().atMost(WAIT).until(() -> status().state() == PairState.PROTECTED);
        assertThat(status().activeId()).isEqualTo(SimPair.A);
        assertThat(b.snapshot().role()).isEqualTo(Role.STANDBY);
    }
}
