package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The control port's line protocol over TCP, and {@code plc-sim ctl} against it. */
@Timeout(20)
class ControlPortIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Plcs plcs = new Plcs();
    private SimulatedPlc plc;

    @BeforeEach
    void start() throws Exception {
        plc = plcs.start("A", Role.ACTIVE, Plant.inMemory());
        await().atMost(Duration.ofSeconds(5)).until(() -> plc.snapshot().driving());
    }

    @AfterEach
    void stop() {
        plcs.close();
    }

    private String send(String line) throws Exception {
        return ControlClient.send("127.0.0.1", plc.controlPort(), line, TIMEOUT);
    }

    @Test
    void statusReportsTheController() throws Exception {
        assertThat(send("status"))
                .matches("OK name=A role=ACTIVE status=RUN heartbeat=\\d+ driving=true outputEnable=true"
                        + " level=\\d{1,3}\\.\\d{2} faults= tls=false roleChanges=0 partner=none ageMs=65535"
                        + " refused=0 evicted=0 handshakeFailed=0 handshakeTimedOut=0"
                        + " uaRefused=0 uaEvicted=0 uaHandshakeFailed=0 uaHandshakeTimedOut=0");
    }

    @Test
    void theClientParsesTheStatusFields() throws Exception {
        send("slow 30");

        var status = ControlClient.status("127.0.0.1", plc.controlPort(), TIMEOUT);

        assertThat(status)
                .containsEntry("name", "A")
                .containsEntry("role", "ACTIVE")
                .containsEntry("driving", "true")
                .containsEntry("outputEnable", "true")
                .containsEntry("faults", "slow:30")
                .containsKeys("heartbeat", "level", "status");
    }

    @Test
    void faultCommandsShowInStatusAndClear() throws Exception {
        assertThat(send("hang")).isEqualTo("OK");
        assertThat(send("slow 30")).isEqualTo("OK");

        assertThat(send("status")).contains(" faults=hang,slow:30 tls=false ");
        assertThat(plc.snapshot().faults()).containsExactly("hang", "slow:30");

        assertThat(send("clear")).isEqualTo("OK");
        assertThat(send("status")).contains(" faults= tls=false ");
    }

    @Test
    void outputEnableCommandSetsTheInput() throws Exception {
        assertThat(send("output-enable off")).isEqualTo("OK");
        assertThat(plc.snapshot().outputEnable()).isFalse();
        assertThat(send("OUTPUT-ENABLE   On"))
                .as("case and blanks do not matter")
                .isEqualTo("OK");
        assertThat(plc.snapshot().outputEnable()).isTrue();
    }

    @Test
    void badCommandsAnswerErrWithAReason() throws Exception {
        assertThat(send("explode")).startsWith("ERR unknown command 'explode'");
        assertThat(send("slow")).startsWith("ERR slow needs a delay in ms");
        assertThat(send("lose 0")).isEqualTo("ERR lose needs a request count from 1 to 1000000, got 0");
        assertThat(send("stall soon")).startsWith("ERR stall needs a delay in ms as a whole number");
        assertThat(send("output-enable maybe")).isEqualTo("ERR output-enable needs 'on' or 'off', got 'maybe'");
        assertThat(send("")).startsWith("ERR empty command");
        assertThat(plc.snapshot().faults()).isEmpty();
    }

    @Test
    void corruptSetpointsIsAFaultUntilClear() throws Exception {
        assertThat(send("corrupt-setpoints")).isEqualTo("OK");
        assertThat(send("status")).contains(" faults=corrupt-setpoints tls=false ");

        assertThat(send("clear")).isEqualTo("OK");
        assertThat(plc.snapshot().faults()).isEmpty();
    }

    @Test
    void oneConnectionCarriesManyCommands() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", plc.controlPort())) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("corrupt\nstatus\nbogus\nclear\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));

            assertThat(in.readLine()).isEqualTo("OK");
            assertThat(in.readLine()).startsWith("OK name=A").contains("faults=corrupt tls=false ");
            assertThat(in.readLine()).startsWith("ERR unknown command");
            assertThat(in.readLine()).isEqualTo("OK");
        }
    }

    @Test
    void controlPortOutlivesACrashSoClearCanRestart() throws Exception {
        assertThat(send("crash")).isEqualTo("OK");
        assertThat(send("status")).contains(" status=STOP ").contains("faults=crash tls=false ");

        assertThat(send("clear")).isEqualTo("OK");

        try (ModbusTestClient client = ModbusTestClient.connect(plc.modbusPort())) {
            await().atMost(TIMEOUT).until(() -> client.read(RegisterMap.STATUS) == Status.RUN.code());
        }
    }

    @Test
    void ctlPrintsTheAnswerAndExitsZeroOnOk() {
        CliRunner cli = new CliRunner();

        assertThat(cli.run("ctl", "--port", String.valueOf(plc.controlPort()), "drop", "once"))
                .isZero();
        assertThat(cli.out()).isEqualTo("OK\n");
    }

    @Test
    void ctlExitsOneOnErr() {
        CliRunner cli = new CliRunner();

        assertThat(cli.run("ctl", "--port=" + plc.controlPort(), "fly")).isEqualTo(PlcSimMain.EXIT_FAILED);
        assertThat(cli.out()).startsWith("ERR unknown command 'fly'");
    }
}
