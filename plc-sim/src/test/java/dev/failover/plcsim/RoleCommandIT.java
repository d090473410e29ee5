package dev.failover.plcsim;

import static dev.failover.plcsim.ModbusTestClient.exceptionCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The role command block (holding registers 30-34: deadline as u64 epoch ms, high word first, then
 * the role) over Modbus TCP, against a controller whose wall clock stands still, so "stale" is exact
 * and needs no sleep.
 */
@Timeout(20)
class RoleCommandIT {

    /** 2026-01-01T00:00:00Z in epoch ms. */
    private static final long NOW = 1_767_225_600_000L;

    private static final int ILLEGAL_DATA_ADDRESS = 0x02;
    private static final int ILLEGAL_DATA_VALUE = 0x03;
    private static final int SERVER_DEVICE_FAILURE = 0x04;

    private final Plcs plcs = new Plcs();
    private SimulatedPlc plc;
    private ModbusTestClient client;

    @BeforeEach
    void start() throws Exception {
        Clock frozen = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        plc = plcs.track(SimulatedPlc.start(SimConfig.of("A", Role.STANDBY), Plant.inMemory(), frozen));
        client = plcs.track(ModbusTestClient.connect(plc.modbusPort()));
        await().atMost(Duration.ofSeconds(5)).until(() -> client.read(RegisterMap.STATUS) == Status.RUN.code());
    }

    @AfterEach
    void stop() {
        plcs.close();
    }

    private static int[] block(long deadline, Role role) {
        return block(deadline, role.code());
    }

    private static int[] block(long deadline, int role) {
        return new int[] {
            (int) (deadline >>> 48) & 0xFFFF,
            (int) (deadline >>> 32) & 0xFFFF,
            (int) (deadline >>> 16) & 0xFFFF,
            (int) deadline & 0xFFFF,
            role
        };
    }

    @Test
    void aCommandBeforeItsDeadlineIsAppliedLikeARoleWrite() throws Exception {
        client.writeMultiple(RegisterMap.ROLE_COMMAND, block(NOW + 250, Role.ACTIVE));

        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.ACTIVE.code());
        assertThat(client.read(RegisterMap.ROLE_CHANGES)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(2)).until(() -> plc.snapshot().driving());
    }

    @Test
    void aCommandAtItsDeadlineIsStillOnTime() throws Exception {
        client.writeMultiple(RegisterMap.ROLE_COMMAND, block(NOW, Role.ACTIVE));

        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.ACTIVE.code());
    }

    @Test
    void aCommandPastItsDeadlineAnswers03AndChangesNothing() throws Exception {
        assertThat(exceptionCode(() -> client.writeMultiple(RegisterMap.ROLE_COMMAND, block(NOW - 1, Role.ACTIVE))))
                .isEqualTo(ILLEGAL_DATA_VALUE);

        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
        assertThat(client.read(RegisterMap.ROLE_CHANGES)).isZero();
    }

    @Test
    void aDemotionPastItsDeadlineIsRefusedToo() throws Exception {
        client.write(RegisterMap.ROLE, Role.ACTIVE.code());

        assertThat(exceptionCode(
                        () -> client.writeMultiple(RegisterMap.ROLE_COMMAND, block(NOW - 5_000, Role.STANDBY))))
                .isEqualTo(ILLEGAL_DATA_VALUE);

        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.ACTIVE.code());
    }

    @Test
    void theDeadlineIsUnsigned() throws Exception {
        client.writeMultiple(RegisterMap.ROLE_COMMAND, block(-1L, Role.ACTIVE));

        assertThat(client.read(RegisterMap.ROLE))
                .as("0xFFFF_FFFF_FFFF_FFFF is far in the future, not -1")
                .isEqualTo(Role.ACTIVE.code());
    }

    @Test
    void functionTwentyThreeCoveringTheBlockIsACommandToo() throws Exception {
        int[] read = client.readWrite(RegisterMap.ROLE, 1, RegisterMap.ROLE_COMMAND, block(NOW + 1, Role.ACTIVE));

        assertThat(read).containsExactly(Role.ACTIVE.code());
    }

    @Test
    void aWriteCoveringPartOfTheBlockAnswers02() throws Exception {
        int[] command = block(NOW + 1_000, Role.ACTIVE);

        assertThat(exceptionCode(() -> client.write(RegisterMap.ROLE_COMMAND + 4, Role.ACTIVE.code())))
                .as("function 6 on the role")
                .isEqualTo(ILLEGAL_DATA_ADDRESS);
        assertThat(exceptionCode(() -> client.writeMultiple(RegisterMap.ROLE_COMMAND, 0, 0, 0, 0)))
                .as("the deadline alone")
                .isEqualTo(ILLEGAL_DATA_ADDRESS);
        assertThat(exceptionCode(() -> client.writeMultiple(
                        RegisterMap.ROLE_COMMAND + 1, command[1], command[2], command[3], command[4])))
                .as("the block without its first register")
                .isEqualTo(ILLEGAL_DATA_ADDRESS);
        assertThat(exceptionCode(() -> client.writeMultiple(
                        RegisterMap.ROLE_COMMAND, command[0], command[1], command[2], command[3], command[4], 0)))
                .as("the block and one register more")
                .isEqualTo(ILLEGAL_DATA_ADDRESS);

        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
    }

    @Test
    void anInvalidRoleAnswers03() throws Exception {
        assertThat(exceptionCode(() -> client.writeMultiple(RegisterMap.ROLE_COMMAND, block(NOW + 1_000, 3))))
                .isEqualTo(ILLEGAL_DATA_VALUE);
        assertThat(exceptionCode(() -> client.writeMultiple(RegisterMap.ROLE_COMMAND, block(NOW + 1_000, 0))))
                .isEqualTo(ILLEGAL_DATA_VALUE);
    }

    @Test
    void aPromotionOutsideRunAnswers04() throws Exception {
        plc.faults().fault();

        assertThat(exceptionCode(() -> client.writeMultiple(RegisterMap.ROLE_COMMAND, block(NOW + 1_000, Role.ACTIVE))))
                .isEqualTo(SERVER_DEVICE_FAILURE);
        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.STANDBY.code());
    }

    @Test
    void theBlockReadsAsZeros() throws Exception {
        client.writeMultiple(RegisterMap.ROLE_COMMAND, block(NOW + 1_000, Role.ACTIVE));

        assertThat(client.read(RegisterMap.ROLE_COMMAND, 5)).containsExactly(0, 0, 0, 0, 0);
        assertThat(exceptionCode(() -> client.read(RegisterMap.ROLE_COMMAND + 5, 1)))
                .as("35 is not mapped")
                .isEqualTo(ILLEGAL_DATA_ADDRESS);
    }

    @Test
    void theRoleRegisterStaysWritableWithoutADeadline() throws Exception {
        client.write(RegisterMap.ROLE, Role.ACTIVE.code());

        assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.ACTIVE.code());
    }

    @Test
    void goldenFramesOfAStaleCommand() throws IOException {
        // Transaction 0x0042, length 17, unit 1, function 16, address 30, quantity 5, 10 bytes:
        // deadline 0x0000_019B_76DA_A7FF (NOW - 1) and role 1. Answer: exception 03 to function 16.
        assertThat(Long.toHexString(NOW - 1)).isEqualTo("19b76daa7ff");
        String request = "00 42 00 00 00 11 01 10 00 1e 00 05 0a 00 00 01 9b 76 da a7 ff 00 01";

        assertThat(exchange(request)).isEqualTo("00 42 00 00 00 03 01 90 03");
    }

    private String exchange(String requestHex) throws IOException {
        HexFormat hex = HexFormat.ofDelimiter(" ");
        try (Socket socket = new Socket("127.0.0.1", plc.modbusPort())) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(hex.parseHex(requestHex));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = in.readNBytes(6);
            int length = ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
            return hex.formatHex(header) + " " + hex.formatHex(in.readNBytes(length));
        }
    }
}
