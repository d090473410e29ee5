package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two controllers on one tank: who drives, split brain, bumpless promotion, a shared plant file. */
@Timeout(30)
class RedundantPairIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Plcs plcs = new Plcs();

    @AfterEach
    void stop() {
        plcs.close();
    }

    @Test
    void onlyTheActiveControllerDrives() throws Exception {
        Plant plant = Plant.inMemory();
        SimulatedPlc a = plcs.start("A", Role.ACTIVE, plant);
        SimulatedPlc b = plcs.start("B", Role.STANDBY, plant);

        awaitPumping(a);

        try (ModbusTestClient standby = ModbusTestClient.connect(b.modbusPort())) {
            await().atMost(WAIT).until(() -> standby.read(RegisterMap.INFLOW) > 0);
            assertThat(standby.read(RegisterMap.PUMP)).isZero();
            // Bits 0-2 and the partner link; whether the partner is alive is PartnerLinkIT's matter.
            assertThat(standby.read(RegisterMap.FLAGS) & ~RegisterMap.FLAG_PARTNER_ALIVE)
                    .as("output-enable on, not driving, plant shared, partner link")
                    .isEqualTo(RegisterMap.FLAG_OUTPUT_ENABLE
                            | RegisterMap.FLAG_PLANT_SHARED
                            | RegisterMap.FLAG_PARTNER_LINK);
        }
        SimSnapshot active = a.snapshot();
        SimSnapshot passive = b.snapshot();
        assertThat(passive.driving()).isFalse();
        assertThat(passive.pumpPercent()).isZero();
        assertThat(passive.levelPercent()).isCloseTo(active.levelPercent(), within(1.0));
    }

    @Test
    void demotedControllerStopsDriving() throws Exception {
        Plant plant = Plant.inMemory();
        SimulatedPlc a = plcs.start("A", Role.ACTIVE, plant);
        awaitPumping(a);

        try (ModbusTestClient client = ModbusTestClient.connect(a.modbusPort())) {
            client.write(RegisterMap.ROLE, Role.STANDBY.code());
        }

        await().atMost(WAIT).until(() -> !a.snapshot().driving() && a.snapshot().pumpPercent() == 0);
        await().atMost(WAIT).until(() -> a.snapshot().inflowPercent() == 0);
    }

    @Test
    void splitBrainDoublesTheInflow() throws Exception {
        Plant plant = Plant.inMemory();
        SimulatedPlc a = plcs.start("A", Role.ACTIVE, plant);
        SimulatedPlc b = plcs.start("B", Role.STANDBY, plant);
        awaitPumping(a, 10);
        assertThat(a.snapshot().inflowPercent()).isCloseTo(a.snapshot().pumpPercent(), within(1.0));

        try (ModbusTestClient client = ModbusTestClient.connect(b.modbusPort())) {
            client.write(RegisterMap.ROLE, Role.ACTIVE.code());
        }

        await().atMost(WAIT)
                .until(() -> b.snapshot().driving()
                        && a.snapshot().inflowPercent() > 1.5 * a.snapshot().pumpPercent());
        // B took over A's output (tracking) and both loops see the same level: the plant gets twice
        // what either drives.
        SimSnapshot seenByA = a.snapshot();
        assertThat(seenByA.inflowPercent()).isCloseTo(2 * seenByA.pumpPercent(), within(0.15 * seenByA.pumpPercent()));
    }

    @Test
    void promotingTheStandbyIsBumpless() throws Exception {
        Plant plant = Plant.inMemory();
        SimulatedPlc a = plcs.start("A", Role.ACTIVE, plant);
        SimulatedPlc b = plcs.start("B", Role.STANDBY, plant);
        // By now the integral carries most of the output: an untracked loop would restart near
        // Kp * error, some 20 % lower.
        awaitPumping(a, 40);

        double before;
        try (ModbusTestClient clientA = ModbusTestClient.connect(a.modbusPort());
                ModbusTestClient clientB = ModbusTestClient.connect(b.modbusPort())) {
            before = clientA.read(RegisterMap.PUMP) / 100.0;
            clientA.write(RegisterMap.ROLE, Role.STANDBY.code());
            clientB.write(RegisterMap.ROLE, Role.ACTIVE.code());
        }

        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(2))
                .until(() -> b.snapshot().driving());
        assertThat(b.snapshot().pumpPercent()).isCloseTo(before, within(3.0));
        // A applies its demotion at its own next scan, which may come after B's first one: this test
        // writes both roles at once (the gateway instead waits for the demotion before promoting).
        await().atMost(WAIT).until(() -> !a.snapshot().driving());
    }

    @Test
    void plantFileIsSharedBetweenPlantObjects(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tank.plant");
        Plant plantA = plcs.track(Plant.file(file));
        Plant plantB = plcs.track(Plant.file(file));
        SimulatedPlc a = plcs.start("A", Role.ACTIVE, plantA);
        SimulatedPlc b = plcs.start("B", Role.STANDBY, plantB);

        awaitPumping(a);

        await().atMost(WAIT).until(() -> b.snapshot().inflowPercent() > 5);
        assertThat(b.snapshot().pumpPercent()).isZero();
        assertThat(b.snapshot().levelPercent()).isCloseTo(a.snapshot().levelPercent(), within(1.0));
        try (ModbusTestClient standby = ModbusTestClient.connect(b.modbusPort())) {
            assertThat(standby.read(RegisterMap.FLAGS) & RegisterMap.FLAG_PLANT_SHARED)
                    .isEqualTo(RegisterMap.FLAG_PLANT_SHARED);
        }
    }

    private static void awaitPumping(SimulatedPlc plc) {
        awaitPumping(plc, 10);
    }

    /** From a cold start the PI loop winds up from 0 % while the tank drains below its setpoint. */
    private static void awaitPumping(SimulatedPlc plc, double percent) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> plc.snapshot().driving() && plc.snapshot().pumpPercent() > percent);
    }
}
