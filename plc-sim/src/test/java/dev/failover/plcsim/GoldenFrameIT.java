package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exact Modbus TCP frames (MBAP header + PDU, Modbus Application Protocol v1.1b3 and Messaging on
 * TCP/IP v1.0b) through a raw socket, so framing mistakes cannot hide behind a library on both ends.
 */
@Timeout(20)
class GoldenFrameIT {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private final Plcs plcs = new Plcs();
    private SimulatedPlc plc;

    @BeforeEach
    void start() throws Exception {
        // A frozen scan clock makes SCAN_TIME_US 0; a one-minute scan period leaves the heartbeat at 1.
        SimConfig config = new SimConfig("A", Role.ACTIVE, "127.0.0.1", 0, 0, 1, Duration.ofSeconds(60));
        plc = plcs.track(SimulatedPlc.start(config, Plant.inMemory(), () -> 0L));
        await().atMost(Duration.ofSeconds(5)).until(() -> plc.snapshot().status() == Status.RUN);
    }

    @AfterEach
    void stop() throws Exception {
        plcs.close();
    }

    @Test
    void readStatusBlock() throws IOException {
        // Transaction 0x1234, protocol 0, length 6, unit 1, function 3, address 0, quantity 8.
        String request = "12 34 00 00 00 06 01 03 00 00 00 08";
        // Length 19: unit, function, byte count 16, then HEARTBEAT=1, STATUS=RUN, ROLE=ACTIVE,
        // FLAGS=output-enable, FAULT_CODE=0, SCAN_TIME_US=0, ROLE_CHANGES=0, PARTNER_AGE_MS=65535 (no
        // partner: the plant is private).
        // FLAGS shows no driving yet: the first scan is the INIT scan, which never drives.
        String response = "12 34 00 00 00 13 01 03 10 00 01 00 01 00 01 00 01 00 00 00 00 00 00 ff ff";

        assertThat(exchange(request)).isEqualTo(response);
    }

    @Test
    void unmappedAddressAnswersException02() throws IOException {
        assertThat(exchange("00 07 00 00 00 06 01 03 00 09 00 01")).isEqualTo("00 07 00 00 00 03 01 83 02");
    }

    @Test
    void unknownFunctionAnswersException01() throws IOException {
        // Function 0x41 is user-defined; the server must answer 01 and keep the connection.
        assertThat(exchange("00 08 00 00 00 04 01 41 12 34")).isEqualTo("00 08 00 00 00 03 01 c1 01");
    }

    @Test
    void otherUnitIdAnswersException0B() throws IOException {
        assertThat(exchange("00 09 00 00 00 06 05 03 00 00 00 01")).isEqualTo("00 09 00 00 00 03 05 83 0b");
    }

    @Test
    void writeSingleRegisterEchoesTheRequest() throws IOException {
        // LEVEL_SP (20) := 6000 (0x1770); the response to function 6 echoes the request.
        String request = "00 0a 00 00 00 06 01 06 00 14 17 70";
        assertThat(exchange(request)).isEqualTo(request);
    }

    @Test
    void writeMultipleRegistersAnswersAddressAndQuantity() throws IOException {
        // LEVEL_SP, VALVE_SP := 5000, 3000; the response gives address 20 and quantity 2.
        assertThat(exchange("00 0b 00 00 00 0b 01 10 00 14 00 02 04 13 88 0b b8"))
                .isEqualTo("00 0b 00 00 00 06 01 10 00 14 00 02");
    }

    private String exchange(String requestHex) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", plc.modbusPort())) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(HEX.parseHex(requestHex));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = in.readNBytes(6);
            int length = ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
            byte[] rest = in.readNBytes(length);
            return HEX.formatHex(header) + " " + HEX.formatHex(rest);
        }
    }
}
