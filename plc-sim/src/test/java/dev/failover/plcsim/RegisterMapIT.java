package dev.failover.plcsim;

import static dev.failover.plcsim.ModbusTestClient.exceptionCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The register map of docs/plc-sim.md over real Modbus TCP on 127.0.0.1. */
@Timeout(20)
class RegisterMapIT {

    private final Plcs plcs = new Plcs();
    private SimulatedPlc plc;
    private ModbusTestClient client;

    @BeforeEach
    void start() throws Exception {
        plc = plcs.start("A", Role.STANDBY, Plant.inMemory());
        client = plcs.track(ModbusTestClient.connect(plc.modbusPort()));
        await().atMost(Duration.ofSeconds(5)).until(() -> client.read(RegisterMap.STATUS) == Status.RUN.code());
    }

    @AfterEach
    void stop() throws Exception {
        plcs.close();
    }

    @Test
    void heartbeatAdvancesEveryScan() throws Exception {
        int first = client.read(RegisterMap.HEARTBEAT);
        await().atMost(Duration.ofSeconds(2)).until(() -> client.read(RegisterMap.HEARTBEAT) >= first + 5);
    }

    @Test
    void statusBlockShowsARunningStandby() throws Exception {
        int[] block = client.read(RegisterMap.HEARTBEAT, 8);

        assertThat(block[RegisterMap.STATUS]).isEqualTo(Status.RUN.code());
        assertThat(block[RegisterMap.ROLE]).isEqualTo(Role.STANDBY.code());
        assertThat(block[RegisterMap.FLAGS])
                .as("output-enable on, not driving, plant private, no partner link")
                .isEqualTo(1);
        assertThat(block[RegisterMap.FAULT_CODE]).isZero();
        assertThat(block[RegisterMap.ROLE_CHANGES]).isZero();
        assertThat(block[RegisterMap.PARTNER_AGE_MS]).as("no partner").isEqualTo(0xFFFF);
    }

    @Test
    void identityBlockHoldsNameVersionsAndConfigHash() throws Exception {
        int[] identity = client.read(RegisterMap.NAME, RegisterMap.END - RegisterMap.NAME);

        assertThat(ascii(identity, 0, 16)).isEqualTo("A");
        assertThat(ascii(identity, 16, 8)).isEqualTo(Settings.PROGRAM_VERSION);
        assertThat(ascii(identity, 24, 8)).isEqualTo(RegisterMap.FIRMWARE);
        byte[] expected = MessageDigest.getInstance("SHA-256")
                .digest("program=tank-pi 1.0;scanMs=10;kp=1000;ti=50".getBytes(StandardCharsets.US_ASCII));
        assertThat(bytes(identity, 32, 16)).isEqualTo(expected);
    }

    @Test
    void configHashFollowsTheTuning() throws Exception {
        int[] before = client.read(RegisterMap.CONFIG_HASH, 16);

        client.write(RegisterMap.KP, 1500);

        assertThat(client.read(RegisterMap.CONFIG_HASH, 16)).isNotEqualTo(before);
    }

    @Test
    void readWriteMultipleWritesFirstThenReadsInOneRequest() throws Exception {
        int[] read = client.readWrite(RegisterMap.LEVEL_SP, 2, RegisterMap.LEVEL_SP, 6100, 2500);

        assertThat(read).containsExactly(6100, 2500);
        assertThat(exceptionCode(() -> client.readWrite(RegisterMap.LEVEL_SP, 1, RegisterMap.LEVEL_SP, 20000)))
                .as("out of range: nothing written, nothing read")
                .isEqualTo(3);
        assertThat(client.read(RegisterMap.LEVEL_SP)).isEqualTo(6100);
    }

    @Test
    void promoteAndDemoteTakeEffectForTheNextRead() throws Exception {
        client.write(RegisterMap.ROLE, Role.ACTIVE.code());
        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.ACTIVE.code());

        client.writeMultiple(RegisterMap.ROLE, Role.STANDBY.code());
        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
        assertThat(client.read(RegisterMap.ROLE_CHANGES)).isEqualTo(2);
    }

    @Test
    void promotedControllerDrivesThePump() throws Exception {
        client.write(RegisterMap.ROLE, Role.ACTIVE.code());

        await().atMost(Duration.ofSeconds(2))
                .until(() -> (client.read(RegisterMap.FLAGS) & RegisterMap.FLAG_DRIVING) != 0);
    }

    @Test
    void setpointsAreWrittenTogether() throws Exception {
        client.writeMultiple(RegisterMap.LEVEL_SP, 6000, 2500, 800, 120);

        assertThat(client.read(RegisterMap.LEVEL_SP, 4)).containsExactly(6000, 2500, 800, 120);
    }

    @Test
    void unsupportedFunctionAnswersException01() {
        // Function 4 (read input registers) is valid Modbus but not in this map.
        assertThat(exceptionCode(() -> client.readInputRegisters(0, 1))).isEqualTo(0x01);
    }

    @Test
    void addressesOutsideTheMapAnswerException02() {
        assertThat(exceptionCode(() -> client.read(9, 1))).isEqualTo(0x02);
        assertThat(exceptionCode(() -> client.read(0, 10)))
                .as("a block spanning the gap at 9")
                .isEqualTo(0x02);
        assertThat(exceptionCode(() -> client.read(RegisterMap.END, 1))).isEqualTo(0x02);
    }

    @Test
    void writeToReadOnlyRegisterAnswersException02() {
        assertThat(exceptionCode(() -> client.write(RegisterMap.HEARTBEAT, 7))).isEqualTo(0x02);
        assertThat(exceptionCode(() -> client.write(RegisterMap.LEVEL, 7))).isEqualTo(0x02);
    }

    @Test
    void valuesOutOfRangeAnswerException03() {
        assertThat(exceptionCode(() -> client.write(RegisterMap.ROLE, 3))).isEqualTo(0x03);
        assertThat(exceptionCode(() -> client.write(RegisterMap.LEVEL_SP, 10001)))
                .isEqualTo(0x03);
        assertThat(exceptionCode(() -> client.write(RegisterMap.TI, 0))).isEqualTo(0x03);
    }

    @Test
    void rejectedMultiWriteWritesNothing() throws Exception {
        int[] before = client.read(RegisterMap.LEVEL_SP, 4);

        // The last value is out of range: the whole write is refused, including the valid ones.
        assertThat(exceptionCode(() -> client.writeMultiple(RegisterMap.LEVEL_SP, 7000, 4000, 900, 0)))
                .isEqualTo(0x03);
        // A read-only register in the range refuses the whole write too.
        assertThat(exceptionCode(() -> client.writeMultiple(RegisterMap.ROLE, 1, 0)))
                .isEqualTo(0x02);

        assertThat(client.read(RegisterMap.LEVEL_SP, 4)).isEqualTo(before);
        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
    }

    @Test
    void promotionOutsideRunAnswersException04() throws Exception {
        plc.faults().fault();

        assertThat(exceptionCode(() -> client.write(RegisterMap.ROLE, Role.ACTIVE.code())))
                .isEqualTo(0x04);
        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
        assertThat(client.read(RegisterMap.ROLE_CHANGES)).isZero();
    }

    @Test
    void anotherUnitIdAnswersException0B() throws Exception {
        try (ModbusTestClient other = ModbusTestClient.connect(plc.modbusPort(), 7, Duration.ofSeconds(2))) {
            assertThat(exceptionCode(() -> other.read(RegisterMap.HEARTBEAT, 1)))
                    .isEqualTo(0x0B);
        }
    }

    @Test
    void readQuantityOutsideOneTo125AnswersException03() {
        assertThat(exceptionCode(() -> client.read(RegisterMap.NAME, 126))).isEqualTo(0x03);
    }

    private static String ascii(int[] registers, int from, int count) {
        return new String(bytes(registers, from, count), StandardCharsets.US_ASCII).replace("\0", "");
    }

    private static byte[] bytes(int[] registers, int from, int count) {
        byte[] bytes = new byte[count * 2];
        for (int i = 0; i < count; i++) {
            bytes[2 * i] = (byte) (registers[from + i] >> 8);
            bytes[2 * i + 1] = (byte) registers[from + i];
        }
        return bytes;
    }
}
