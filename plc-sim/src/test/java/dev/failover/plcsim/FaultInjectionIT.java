package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ghgande.j2mod.modbus.ModbusIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each fault of docs/plc-sim.md as a Modbus master sees it, and its clearing. */
@Timeout(30)
class FaultInjectionIT {

    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

    private final Plcs plcs = new Plcs();
    private SimulatedPlc plc;
    private FaultInjector faults;
    private ModbusTestClient client;

    @BeforeEach
    void start() throws Exception {
        plc = plcs.start("A", Role.ACTIVE, Plant.inMemory());
        faults = plc.faults();
        client = plcs.track(ModbusTestClient.connect(plc.modbusPort()));
        await().atMost(Duration.ofSeconds(5)).until(() -> plc.snapshot().driving());
    }

    @AfterEach
    void stop() {
        plcs.close();
    }

    @Test
    void crashRefusesConnectionsAndClearRestartsOnTheSamePortInTheRetainedRole() throws Exception {
        int port = plc.modbusPort();
        client.write(RegisterMap.LEVEL_SP, 6100);
        client.write(RegisterMap.ROLE, Role.STANDBY.code());

        faults.crash();

        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> client.read(RegisterMap.HEARTBEAT)).isInstanceOf(ModbusIOException.class);
        SimSnapshot crashed = plc.snapshot();
        assertThat(crashed.status()).isEqualTo(Status.STOP);
        assertThat(crashed.driving()).isFalse();
        assertThat(crashed.faults()).containsExactly("crash");

        faults.clear();

        assertThat(plc.modbusPort()).isEqualTo(port);
        try (ModbusTestClient again = ModbusTestClient.connect(port)) {
            await().atMost(Duration.ofSeconds(2)).until(() -> again.read(RegisterMap.STATUS) == Status.RUN.code());
            assertThat(again.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
            assertThat(again.read(RegisterMap.LEVEL_SP)).isEqualTo(6100);
        }
        assertThat(plc.snapshot().faults()).isEmpty();
    }

    @Test
    void crashedActiveRestartsStandbyAndDoesNotDrive() throws Exception {
        int roleChanges = client.read(RegisterMap.ROLE_CHANGES);
        faults.crash();
        assertThat(plc.snapshot().pumpPercent()).isZero();
        assertThat(plc.snapshot().role())
                .as("the retentive memory holds ACTIVE while it is down")
                .isEqualTo(Role.ACTIVE);

        faults.clear();

        // The role is settled before the port opens: the first answer already says STANDBY.
        try (ModbusTestClient again = ModbusTestClient.connect(plc.modbusPort())) {
            assertThat(again.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
            await().atMost(Duration.ofSeconds(2)).until(() -> again.read(RegisterMap.STATUS) == Status.RUN.code());
            assertThat(again.read(RegisterMap.ROLE_CHANGES)).isEqualTo(roleChanges + 1);
        }
        assertThat(plc.snapshot().driving()).isFalse();
    }

    @Test
    void withRetainActiveRoleACrashedActiveRestartsActiveAndDrivesAgain() throws Exception {
        SimulatedPlc retaining =
                plcs.start(SimConfig.of("R", Role.ACTIVE).withRetainActiveRole(true), Plant.inMemory());
        await().atMost(Duration.ofSeconds(5)).until(() -> retaining.snapshot().driving());

        retaining.faults().crash();
        retaining.faults().clear();

        await().atMost(Duration.ofSeconds(2)).until(() -> retaining.snapshot().driving());
        assertThat(retaining.snapshot().role()).isEqualTo(Role.ACTIVE);
    }

    @Test
    void hangAcceptsButNeverAnswersWhileTheScanGoesOn() throws Exception {
        faults.hang();
        int heartbeat = plc.snapshot().heartbeat();

        try (ModbusTestClient hung = ModbusTestClient.connect(plc.modbusPort(), 1, SHORT_TIMEOUT)) {
            assertThatThrownBy(() -> hung.read(RegisterMap.HEARTBEAT)).isInstanceOf(ModbusIOException.class);
        }
        assertThat(plc.snapshot().heartbeat()).isGreaterThan(heartbeat);

        faults.clear();

        try (ModbusTestClient fresh = ModbusTestClient.connect(plc.modbusPort())) {
            assertThat(fresh.read(RegisterMap.STATUS)).isEqualTo(Status.RUN.code());
        }
    }

    @Test
    void freezeHeartbeatStopsOnlyTheHeartbeat() throws Exception {
        faults.freezeHeartbeat();
        int frozen = client.read(RegisterMap.HEARTBEAT);

        await().during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(1))
                .until(() -> client.read(RegisterMap.HEARTBEAT) == frozen);
        assertThat(client.read(RegisterMap.STATUS)).isEqualTo(Status.RUN.code());
        assertThat(plc.snapshot().driving()).isTrue();

        faults.clear();

        await().atMost(Duration.ofSeconds(1)).until(() -> client.read(RegisterMap.HEARTBEAT) != frozen);
    }

    @Test
    void faultSetsStatusAndCodeAndDropsOutputs() throws Exception {
        faults.fault();

        assertThat(client.read(RegisterMap.STATUS)).isEqualTo(Status.FAULT.code());
        assertThat(client.read(RegisterMap.FAULT_CODE)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(1))
                .until(() -> (client.read(RegisterMap.FLAGS) & RegisterMap.FLAG_DRIVING) == 0
                        && client.read(RegisterMap.PUMP) == 0);

        faults.clear();

        await().atMost(Duration.ofSeconds(1)).until(() -> client.read(RegisterMap.STATUS) == Status.RUN.code());
        assertThat(client.read(RegisterMap.FAULT_CODE)).isZero();
        await().atMost(Duration.ofSeconds(1)).until(() -> plc.snapshot().driving());
    }

    @Test
    void slowDelaysEveryResponse() throws Exception {
        faults.slow(Duration.ofMillis(200));

        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            client.read(RegisterMap.HEARTBEAT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
        assertThat(plc.snapshot().faults()).containsExactly("slow:200");

        faults.clear();

        long start = System.nanoTime();
        client.read(RegisterMap.HEARTBEAT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
    }

    @Test
    void dropClosesOpenConnectionsAndEveryNewOne() throws Exception {
        faults.drop();

        assertThatThrownBy(() -> client.read(RegisterMap.HEARTBEAT)).isInstanceOf(ModbusIOException.class);
        try (ModbusTestClient next = ModbusTestClient.connect(plc.modbusPort(), 1, SHORT_TIMEOUT)) {
            assertThatThrownBy(() -> next.read(RegisterMap.HEARTBEAT)).isInstanceOf(ModbusIOException.class);
        }

        faults.clear();

        try (ModbusTestClient fresh = ModbusTestClient.connect(plc.modbusPort())) {
            assertThat(fresh.read(RegisterMap.STATUS)).isEqualTo(Status.RUN.code());
        }
    }

    @Test
    void dropOnceClosesOpenConnectionsOnly() throws Exception {
        faults.dropOnce();

        assertThatThrownBy(() -> client.read(RegisterMap.HEARTBEAT)).isInstanceOf(ModbusIOException.class);
        try (ModbusTestClient next = ModbusTestClient.connect(plc.modbusPort())) {
            assertThat(next.read(RegisterMap.STATUS)).isEqualTo(Status.RUN.code());
        }
        assertThat(plc.snapshot().faults()).isEmpty();
    }

    @Test
    void loseLeavesTheNextRequestsUnanswered() throws Exception {
        faults.lose(2);

        try (ModbusTestClient lossy = ModbusTestClient.connect(plc.modbusPort(), 1, SHORT_TIMEOUT)) {
            assertThatThrownBy(() -> lossy.read(RegisterMap.HEARTBEAT)).isInstanceOf(ModbusIOException.class);
            assertThat(plc.snapshot().faults()).containsExactly("lose:1");
            assertThatThrownBy(() -> lossy.read(RegisterMap.HEARTBEAT)).isInstanceOf(ModbusIOException.class);
            assertThat(lossy.read(RegisterMap.STATUS)).isEqualTo(Status.RUN.code());
        }
        assertThat(plc.snapshot().faults()).isEmpty();
    }

    @Test
    void stallHoldsAnswersThenAnswersWhatQueued() throws Exception {
        faults.stall(Duration.ofMillis(500));

        long start = System.nanoTime();
        assertThat(client.read(RegisterMap.STATUS)).isEqualTo(Status.RUN.code());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));

        // Transient: the next request is answered at once.
        start = System.nanoTime();
        client.read(RegisterMap.STATUS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
        assertThat(plc.snapshot().faults()).isEmpty();
    }

    @Test
    void corruptTurnsProcessRegistersIntoGarbage() throws Exception {
        faults.corrupt();

        assertThat(Arrays.stream(client.read(RegisterMap.LEVEL, 4)).boxed())
                .allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(RegisterMap.GARBAGE_MIN));
        assertThat(client.read(RegisterMap.LEVEL_SP))
                .as("setpoints stay intact")
                .isEqualTo(5000);

        faults.clear();

        assertThat(client.read(RegisterMap.LEVEL)).isBetween(0, 10000);
    }

    @Test
    void corruptSetpointsReadsGarbageSetpointsWhileTheProgramKeepsTheTrueOnes() throws Exception {
        client.write(RegisterMap.LEVEL_SP, 6100);

        faults.corruptSetpoints();

        assertThat(Arrays.stream(client.read(RegisterMap.LEVEL_SP, 4)).boxed())
                .allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(RegisterMap.GARBAGE_MIN));
        assertThat(client.read(RegisterMap.LEVEL))
                .as("process values stay intact")
                .isBetween(0, 10000);
        assertThat(plc.snapshot().faults()).containsExactly("corrupt-setpoints");
        // Writes still reach the true setpoint, which is what reads show once the fault is cleared.
        client.write(RegisterMap.LEVEL_SP, 6200);
        assertThat(client.read(RegisterMap.LEVEL_SP)).isGreaterThanOrEqualTo(RegisterMap.GARBAGE_MIN);

        faults.clear();

        assertThat(client.read(RegisterMap.LEVEL_SP, 4)).containsExactly(6200, 3000, 1000, 50);
        assertThat(plc.snapshot().faults()).isEmpty();
    }

    @Test
    void outputEnableOffStopsDrivingWithoutAFaultAndDemotesTheActive() throws Exception {
        await().atMost(Duration.ofSeconds(1)).until(() -> plc.snapshot().driving());

        faults.outputEnable(false);

        // Like a relay contact in series with the outputs: cut at once, not at the next scan.
        assertThat(plc.snapshot().driving()).isFalse();
        assertThat(plc.snapshot().pumpPercent()).isZero();
        assertThat(client.read(RegisterMap.FLAGS)).isZero();
        assertThat(client.read(RegisterMap.STATUS)).isEqualTo(Status.RUN.code());
        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());

        faults.outputEnable(true);

        // Back on, it is a standby: it drives again only when promoted.
        await().atMost(Duration.ofSeconds(1))
                .until(() -> client.read(RegisterMap.FLAGS) == RegisterMap.FLAG_OUTPUT_ENABLE);
        client.write(RegisterMap.ROLE, Role.ACTIVE.code());
        await().atMost(Duration.ofSeconds(1))
                .until(() ->
                        client.read(RegisterMap.FLAGS) == (RegisterMap.FLAG_OUTPUT_ENABLE | RegisterMap.FLAG_DRIVING));
    }

    @Test
    void clearRemovesEveryFault() {
        faults.hang();
        faults.freezeHeartbeat();
        faults.fault();
        faults.slow(Duration.ofMillis(30));
        faults.drop();
        faults.lose(3);
        faults.stall(Duration.ofSeconds(30));
        faults.corrupt();
        faults.cutPartnerLink();
        assertThat(plc.snapshot().faults())
                .containsExactly(
                        "freeze-heartbeat",
                        "fault",
                        "corrupt",
                        "partner-link-cut",
                        "hang",
                        "slow:30",
                        "drop",
                        "lose:3",
                        "stall");

        faults.clear();

        assertThat(plc.snapshot().faults()).isEmpty();
    }
}
