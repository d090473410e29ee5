package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partner link (issue 10, item 3): two controllers on one plant file, each in a plant object of
 * its own as two processes would be, see each other's heartbeat through the file and judge each other
 * alive or lost, over Modbus ({@code FLAGS} bits 3 and 4, {@code PARTNER_AGE_MS}), the control port
 * and snapshots.
 */
@Timeout(60)
class PartnerLinkIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** The 60 ms timeout and 5 scans of 10 ms, with room for a loaded two-core machine. */
    private static final Duration LOST_WITHIN = Duration.ofSeconds(1);

    private static final long TIMEOUT_MS = SimConfig.DEFAULT_PARTNER_TIMEOUT.toMillis();
    private static final int PARTNER_BITS = RegisterMap.FLAG_PARTNER_ALIVE | RegisterMap.FLAG_PARTNER_LINK;

    @TempDir
    Path dir;

    private final Plcs plcs = new Plcs();

    @AfterEach
    void stop() {
        plcs.close();
    }

    private record Pair(SimulatedPlc a, SimulatedPlc b) {}

    private Pair pair(SimConfig a, SimConfig b) throws Exception {
        Path file = dir.resolve("tank.plant");
        SimulatedPlc plcA = plcs.start(a, plcs.track(Plant.file(file)));
        SimulatedPlc plcB = plcs.start(b, plcs.track(Plant.file(file)));
        return new Pair(plcA, plcB);
    }

    private Pair alivePair() throws Exception {
        Pair pair = pair(SimConfig.of("A", Role.ACTIVE), SimConfig.of("B", Role.STANDBY));
        awaitPartner(pair.a(), PartnerStatus.ALIVE, WAIT);
        awaitPartner(pair.b(), PartnerStatus.ALIVE, WAIT);
        return pair;
    }

    private static SimSnapshot awaitPartner(SimulatedPlc plc, PartnerStatus status, Duration within) {
        return awaitSnapshot(plc, s -> s.partner() == status, within);
    }

    private static SimSnapshot awaitSnapshot(SimulatedPlc plc, Predicate<SimSnapshot> condition, Duration within) {
        SimSnapshot[] last = new SimSnapshot[1];
        await().atMost(within).pollInterval(Duration.ofMillis(5)).until(() -> {
            last[0] = plc.snapshot();
            return condition.test(last[0]);
        });
        return last[0];
    }

    private static String control(SimulatedPlc plc, String line) throws Exception {
        return ControlClient.send("127.0.0.1", plc.controlPort(), line, Duration.ofSeconds(2));
    }

    @Test
    void twoControllersOnOnePlantFileSeeEachOtherAlive() throws Exception {
        Pair pair = pair(SimConfig.of("A", Role.ACTIVE), SimConfig.of("B", Role.STANDBY));

        for (SimulatedPlc plc : List.of(pair.a(), pair.b())) {
            try (ModbusTestClient client = ModbusTestClient.connect(plc.modbusPort())) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
                    int[] block = client.read(RegisterMap.FLAGS, 5);
                    return (block[0] & PARTNER_BITS) == PARTNER_BITS
                            && block[RegisterMap.PARTNER_AGE_MS - RegisterMap.FLAGS] < TIMEOUT_MS;
                });
            }
            await().atMost(WAIT)
                    .until(() -> control(plc, "status")
                            .matches("OK name=[AB] .* roleChanges=0 partner=alive ageMs=\\d+ .*"));
        }
    }

    @Test
    void aCrashedPartnerIsLostWithinABoundItsAgeGrowsAndClearBringsItBack() throws Exception {
        Pair pair = alivePair();

        pair.a().faults().crash();

        SimSnapshot lost = awaitPartner(pair.b(), PartnerStatus.LOST, LOST_WITHIN);
        assertThat(lost.partnerAgeMillis())
                .as("lost only once the heartbeat stood still for the timeout")
                .isBetween((int) TIMEOUT_MS, 0xFFFE);
        awaitSnapshot(pair.b(), s -> s.partnerAgeMillis() >= lost.partnerAgeMillis() + 200, WAIT);
        try (ModbusTestClient client = ModbusTestClient.connect(pair.b().modbusPort())) {
            assertThat(client.read(RegisterMap.FLAGS) & PARTNER_BITS)
                    .as("link, partner not alive")
                    .isEqualTo(RegisterMap.FLAG_PARTNER_LINK);
            assertThat(client.read(RegisterMap.PARTNER_AGE_MS)).isGreaterThanOrEqualTo(lost.partnerAgeMillis() + 200);
        }

        pair.a().faults().clear();

        SimSnapshot back = awaitPartner(pair.b(), PartnerStatus.ALIVE, WAIT);
        assertThat(back.partnerAgeMillis()).isLessThan((int) TIMEOUT_MS);
    }

    @Test
    void aFrozenHeartbeatIsWhatThePartnerSeesSoItIsLost() throws Exception {
        Pair pair = alivePair();

        pair.a().faults().freezeHeartbeat();

        awaitPartner(pair.b(), PartnerStatus.LOST, LOST_WITHIN);
        // A itself still sees B (awaited, not asserted at one instant: a loaded machine may pause B).
        awaitSnapshot(pair.a(), s -> s.partner() == PartnerStatus.ALIVE && s.partnerAgeMillis() < TIMEOUT_MS, WAIT);
        assertThat(pair.b().snapshot().partner()).isEqualTo(PartnerStatus.LOST);

        pair.a().faults().clear();

        awaitPartner(pair.b(), PartnerStatus.ALIVE, WAIT);
    }

    @Test
    void aCutLinkLosesThePartnerOnlyOnTheCutSideUntilRestoreOrClear() throws Exception {
        Pair pair = alivePair();

        assertThat(control(pair.b(), "partner-link cut")).isEqualTo("OK");

        awaitPartner(pair.b(), PartnerStatus.LOST, LOST_WITHIN);
        // B still publishes, so A sees it alive (a cut of both sides would leave A lost for good).
        awaitSnapshot(pair.a(), s -> s.partner() == PartnerStatus.ALIVE && s.partnerAgeMillis() < TIMEOUT_MS, WAIT);
        assertThat(pair.b().snapshot().partner()).isEqualTo(PartnerStatus.LOST);
        assertThat(control(pair.b(), "status"))
                .contains(" faults=partner-link-cut ")
                .matches(".* partner=lost ageMs=\\d+ .*");
        try (ModbusTestClient client = ModbusTestClient.connect(pair.b().modbusPort())) {
            assertThat(client.read(RegisterMap.FLAGS) & PARTNER_BITS)
                    .as("a cut link looks like a silent partner, not like no link")
                    .isEqualTo(RegisterMap.FLAG_PARTNER_LINK);
        }

        assertThat(control(pair.b(), "partner-link restore")).isEqualTo("OK");
        awaitPartner(pair.b(), PartnerStatus.ALIVE, WAIT);
        assertThat(pair.b().snapshot().faults()).isEmpty();

        pair.b().faults().cutPartnerLink();
        awaitPartner(pair.b(), PartnerStatus.LOST, LOST_WITHIN);
        pair.b().faults().clear();
        awaitPartner(pair.b(), PartnerStatus.ALIVE, WAIT);
    }

    @Test
    void aControllerWithoutASharedPlantHasNoPartnerLink() throws Exception {
        SimulatedPlc alone = plcs.start("A", Role.ACTIVE, Plant.inMemory());
        awaitSnapshot(alone, s -> s.heartbeat() >= 5, WAIT);

        try (ModbusTestClient client = ModbusTestClient.connect(alone.modbusPort())) {
            assertThat(client.read(RegisterMap.FLAGS) & PARTNER_BITS).isZero();
            assertThat(client.read(RegisterMap.PARTNER_AGE_MS)).isEqualTo(0xFFFF);
        }
        assertThat(control(alone, "status")).contains(" partner=none ageMs=65535 ");
    }

    @Test
    void aPartnerSlotThatNeverPublishedIsALostPartnerOfUnknownAge() throws Exception {
        Path file = dir.resolve("tank.plant");
        Plant relays = plcs.track(Plant.file(file));
        // The relay box claims B's slot before B ever ran.
        relays.outputEnable("B", true);
        SimulatedPlc a = plcs.start(SimConfig.of("A", Role.ACTIVE), plcs.track(Plant.file(file)));
        awaitSnapshot(a, s -> s.heartbeat() >= 10, WAIT);

        try (ModbusTestClient client = ModbusTestClient.connect(a.modbusPort())) {
            assertThat(client.read(RegisterMap.FLAGS) & PARTNER_BITS).isEqualTo(RegisterMap.FLAG_PARTNER_LINK);
            assertThat(client.read(RegisterMap.PARTNER_AGE_MS)).isEqualTo(0xFFFF);
        }

        plcs.start(SimConfig.of("B", Role.STANDBY), plcs.track(Plant.file(file)));

        awaitPartner(a, PartnerStatus.ALIVE, WAIT);
    }

    @Test
    void aSlowlyScanningControllerWaitsFiveOfItsOwnScansBeforeDeclaringItsPartnerLost() throws Exception {
        // B scans every 300 ms: from its second scan after A stops, the 60 ms timeout has long passed,
        // yet B must give A five of its scans.
        SimConfig slow = new SimConfig("B", Role.STANDBY, "127.0.0.1", 0, 0, 1, Duration.ofMillis(300));
        Pair pair = pair(SimConfig.of("A", Role.ACTIVE), slow);
        // A scan of B that saw A's heartbeat change (age 0): B's count of scans starts there or at
        // its next scan, which may still see A's last change.
        SimSnapshot changed =
                awaitSnapshot(pair.b(), s -> s.partner() == PartnerStatus.ALIVE && s.partnerAgeMillis() == 0, WAIT);

        pair.a().faults().crash();

        List<SimSnapshot> seenByB = new CopyOnWriteArrayList<>();
        SimSnapshot lost = awaitSnapshot(
                pair.b(),
                s -> {
                    seenByB.add(s);
                    return s.partner() == PartnerStatus.LOST;
                },
                WAIT);
        assertThat(lost.heartbeat() - changed.heartbeat())
                .as("B's scans from the last change it saw to the verdict")
                .isGreaterThanOrEqualTo(PartnerMonitor.MIN_SCANS);
        assertThat(seenByB)
                .as("B's scans past the timeout but before the fifth")
                .anySatisfy(s -> {
                    assertThat(s.partner()).isEqualTo(PartnerStatus.ALIVE);
                    assertThat(s.partnerAgeMillis()).isGreaterThanOrEqualTo((int) TIMEOUT_MS);
                });
    }
}
