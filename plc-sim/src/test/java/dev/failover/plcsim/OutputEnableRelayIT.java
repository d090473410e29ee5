package dev.failover.plcsim;

import static dev.failover.plcsim.ModbusTestClient.exceptionCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The output-enable input as the slot's relay in the plant (issue 9, "never wrong about who drives
 * the process"): a cut relay stops the drive at once, demotes an ACTIVE controller before it answers
 * anything, and outlives the controller's process.
 */
@Timeout(30)
class OutputEnableRelayIT {

    private static final int EXCEPTION_SERVER_DEVICE_FAILURE = 0x04;

    private final Plcs plcs = new Plcs();
    private final Plant plant = Plant.inMemory();

    @AfterEach
    void stop() {
        plcs.close();
    }

    private SimulatedPlc startDriving(String name) throws Exception {
        SimulatedPlc plc = plcs.start(name, Role.ACTIVE, plant);
        await().atMost(Duration.ofSeconds(5)).until(() -> plc.snapshot().driving());
        return plc;
    }

    @Test
    void aRelayCutInThePlantDemotesTheActiveAndStopsTheDriveAtOnce() throws Exception {
        SimulatedPlc plc = startDriving("A");
        ModbusTestClient client = plcs.track(ModbusTestClient.connect(plc.modbusPort()));

        plant.outputEnable("A", false);

        assertThat(plant.read().drivers())
                .as("the plant ignores A from the cut on")
                .isZero();
        int[] status = client.read(RegisterMap.HEARTBEAT, 7);
        assertThat(status[RegisterMap.ROLE]).isEqualTo(Role.STANDBY.code());
        assertThat(status[RegisterMap.FLAGS])
                .as("output-enable off, not driving")
                .isZero();
        assertThat(status[RegisterMap.ROLE_CHANGES]).isEqualTo(1);
        assertThat(status[RegisterMap.STATUS]).as("a cut is not a fault").isEqualTo(Status.RUN.code());
        SimSnapshot snapshot = plc.snapshot();
        assertThat(snapshot.role()).isEqualTo(Role.STANDBY);
        assertThat(snapshot.outputEnable()).isFalse();
        assertThat(snapshot.driving()).isFalse();
    }

    @Test
    void aControllerWhoseScanDoesNotRunAnswersItsFirstReadWithTheRelayAsItIsNow() throws Exception {
        // A one-minute scan: after the first scans nothing runs for a minute, as in a paused process;
        // only the request itself can notice the cut.
        SimConfig config = new SimConfig("A", Role.ACTIVE, "127.0.0.1", 0, 0, 1, Duration.ofSeconds(60));
        SimulatedPlc plc = plcs.start(config, plant);
        ModbusTestClient client = plcs.track(ModbusTestClient.connect(plc.modbusPort()));
        await().atMost(Duration.ofSeconds(5)).until(() -> client.read(RegisterMap.STATUS) == Status.RUN.code());
        int heartbeat = client.read(RegisterMap.HEARTBEAT);

        plant.outputEnable("A", false);

        int[] status = client.read(RegisterMap.HEARTBEAT, 4);
        assertThat(status[RegisterMap.HEARTBEAT]).as("no scan ran in between").isEqualTo(heartbeat);
        assertThat(status[RegisterMap.ROLE]).isEqualTo(Role.STANDBY.code());
        assertThat(status[RegisterMap.FLAGS] & RegisterMap.FLAG_OUTPUT_ENABLE).isZero();
    }

    @Test
    void aPromotionWhileTheRelayIsCutIsRefused() throws Exception {
        SimulatedPlc plc = plcs.start("B", Role.STANDBY, plant);
        ModbusTestClient client = plcs.track(ModbusTestClient.connect(plc.modbusPort()));
        await().atMost(Duration.ofSeconds(5)).until(() -> client.read(RegisterMap.STATUS) == Status.RUN.code());
        plant.outputEnable("B", false);

        assertThat(exceptionCode(() -> client.write(RegisterMap.ROLE, Role.ACTIVE.code())))
                .isEqualTo(EXCEPTION_SERVER_DEVICE_FAILURE);

        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
        assertThat(client.read(RegisterMap.ROLE_CHANGES)).isZero();
        plant.outputEnable("B", true);
        client.write(RegisterMap.ROLE, Role.ACTIVE.code());
        await().atMost(Duration.ofSeconds(2)).until(() -> plc.snapshot().driving());
    }

    @Test
    void noReadEverShowsActiveWithTheInputOff() throws Exception {
        SimulatedPlc plc = startDriving("A");
        ModbusTestClient client = plcs.track(ModbusTestClient.connect(plc.modbusPort()));
        ModbusTestClient writer = plcs.track(ModbusTestClient.connect(plc.modbusPort()));
        AtomicBoolean done = new AtomicBoolean();
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicInteger samples = new AtomicInteger();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                while (!done.get()) {
                    int[] roleAndFlags = client.read(RegisterMap.ROLE, 2);
                    samples.incrementAndGet();
                    if (roleAndFlags[0] == Role.ACTIVE.code()
                            && (roleAndFlags[1] & RegisterMap.FLAG_OUTPUT_ENABLE) == 0) {
                        violations.add("ROLE=ACTIVE with FLAGS=" + roleAndFlags[1]);
                    }
                }
            } catch (Exception e) {
                violations.add("reader failed: " + e);
            }
        });

        for (int i = 0; i < 50; i++) {
            plant.outputEnable("A", false);
            // The reader, not the writer, is to be the first to meet the cut now and then.
            int cutAt = samples.get();
            await().atMost(Duration.ofSeconds(2)).until(() -> samples.get() > cutAt + 1 || !violations.isEmpty());
            assertThat(writer.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
            plant.outputEnable("A", true);
            writer.write(RegisterMap.ROLE, Role.ACTIVE.code());
        }
        done.set(true);
        reader.join();

        assertThat(violations).isEmpty();
        assertThat(writer.read(RegisterMap.ROLE_CHANGES))
                .as("50 cuts, 50 promotions")
                .isEqualTo(100);
    }

    @Test
    void aControllerStartedAgainstACutRelayNeverDrives() throws Exception {
        plant.outputEnable("A", false);

        SimulatedPlc plc = plcs.start("A", Role.ACTIVE, plant);
        ModbusTestClient client = plcs.track(ModbusTestClient.connect(plc.modbusPort()));

        await().atMost(Duration.ofSeconds(5)).until(() -> client.read(RegisterMap.STATUS) == Status.RUN.code());
        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
        assertThat(plant.read().drivers()).isZero();
    }

    @Test
    void theControlPortCommandSetsTheRelayInThePlant() throws Exception {
        SimulatedPlc plc = startDriving("A");

        assertThat(ControlClient.send("127.0.0.1", plc.controlPort(), "output-enable off", Duration.ofSeconds(2)))
                .isEqualTo("OK");

        assertThat(plant.outputEnabled("A")).isFalse();
        assertThat(plant.read().drivers()).isZero();
        assertThat(ControlClient.status("127.0.0.1", plc.controlPort(), Duration.ofSeconds(2)))
                .containsEntry("outputEnable", "false")
                .containsEntry("role", "STANDBY")
                .containsEntry("driving", "false");
    }

    @Test
    void aCrashedControllerFindsItsRelayStillCutWhenItRestarts() throws Exception {
        SimulatedPlc plc = plcs.start(SimConfig.of("A", Role.ACTIVE).withRetainActiveRole(true), plant);
        await().atMost(Duration.ofSeconds(5)).until(() -> plc.snapshot().driving());
        plc.faults().crash();

        plant.outputEnable("A", false);
        plc.faults().clear();

        await().atMost(Duration.ofSeconds(2)).until(() -> plc.snapshot().status() == Status.RUN);
        assertThat(plc.snapshot().role())
                .as("retained ACTIVE, then demoted by the cut relay")
                .isEqualTo(Role.STANDBY);
        assertThat(plant.read().drivers()).isZero();
    }
}
