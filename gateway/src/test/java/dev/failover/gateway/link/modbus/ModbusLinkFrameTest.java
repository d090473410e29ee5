package dev.failover.gateway.link.modbus;

import static dev.failover.gateway.link.modbus.ScriptedPeer.frame;
import static dev.failover.gateway.link.modbus.ScriptedPeer.transactionId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Modbus link against golden frames (Modbus Application Protocol v1.1b3, §6.3 read holding
 * registers, §6.6 write single register, §6.12 write multiple registers, §7 exception responses) and
 * against answers a correct server never sends.
 */
@Timeout(10)
class ModbusLinkFrameTest {

    /** Status block 0..4: heartbeat 0x0102, RUN, ACTIVE, flags 0b11, fault 0. */
    private static final String STATUS_PDU = "01" + "03" + "0a" + "0102" + "0001" + "0001" + "0003" + "0000";

    /** 2026-01-01T00:00:00Z in epoch ms: the wall clock of the links that write role commands. */
    private static final long NOW = 1_767_225_600_000L;

    private ScriptedPeer peer;
    private ModbusLink link;

    private ModbusLink linkTo(ScriptedPeer p, StatusRegisters registers) {
        return new ModbusLink(
                "plc-x",
                new ModbusEndpoint("127.0.0.1", p.port(), 1),
                registers,
                Duration.ofMillis(200),
                Duration.ofMillis(50),
                Ticker.system(),
                null,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    private ModbusLink linkTo(ScriptedPeer p) {
        return new ModbusLink(
                "plc-x",
                new ModbusEndpoint("127.0.0.1", p.port(), 1),
                StatusRegisters.defaults(),
                Duration.ofMillis(200),
                Duration.ofMillis(50),
                Ticker.system());
    }

    @AfterEach
    void close() throws Exception {
        if (link != null) {
            link.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void readsTheStatusBlockWithOneReadHoldingRegistersRequest() throws Exception {
        peer = new ScriptedPeer(req -> frame(transactionId(req), STATUS_PDU));
        link = linkTo(peer);

        LinkResult<StatusReading> result = link.readStatus();

        // MBAP: transaction 1, protocol 0, length 6, unit 1; PDU: function 3, address 0, quantity 5.
        assertThat(peer.nextRequest()).isEqualTo("000100000006" + "01" + "03" + "0000" + "0005");
        assertThat(result).isInstanceOf(LinkResult.Ok.class);
        StatusReading reading = ((LinkResult.Ok<StatusReading>) result).value();
        assertThat(reading).isEqualTo(new StatusReading(0x0102, RunStatus.RUN, RuntimeRole.ACTIVE, true, true, 0));
    }

    @Test
    void writesTheRoleCommandBlockWithItsDeadlineInOneRequestThenReadsTheStatusBack() throws Exception {
        peer = new ScriptedPeer(req -> req[7] == 0x10
                ? frame(transactionId(req), "01" + "10" + "001e" + "0005")
                : frame(transactionId(req), STATUS_PDU));
        link = linkTo(peer, StatusRegisters.defaults());

        LinkResult<StatusReading> result = link.writeRole(RuntimeRole.STANDBY);

        // Function 16, address 30, 5 registers, 10 bytes: the deadline NOW + 250 ms (the command
        // timeout) = 0x0000_019B_76DA_A8FA, high word first, then role 2 (STANDBY).
        assertThat(Long.toHexString(NOW + 250)).isEqualTo("19b76daa8fa");
        assertThat(peer.nextRequest())
                .isEqualTo("000100000011" + "01" + "10" + "001e" + "0005" + "0a" + "0000" + "019b" + "76da" + "a8fa"
                        + "0002");
        assertThat(peer.nextRequest()).isEqualTo("000200000006" + "01" + "03" + "0000" + "0005");
        assertThat(result.isOk()).isTrue();
    }

    @Test
    void withoutARoleCommandBlockWritesTheRoleWithWriteSingleRegister() throws Exception {
        peer = new ScriptedPeer(req -> req[7] == 6 ? req.clone() : frame(transactionId(req), STATUS_PDU));
        link = linkTo(peer, StatusRegisters.defaults().withRoleCommand(StatusRegisters.NO_ROLE_COMMAND));

        LinkResult<StatusReading> result = link.writeRole(RuntimeRole.STANDBY);

        // Function 6, register 2 (ROLE), value 2 (STANDBY); the echo is the correct answer.
        assertThat(peer.nextRequest()).isEqualTo("000100000006" + "01" + "06" + "0002" + "0002");
        assertThat(peer.nextRequest()).isEqualTo("000200000006" + "01" + "03" + "0000" + "0005");
        assertThat(result.isOk()).isTrue();
    }

    @Test
    void aRoleCommandRefusedWithException03IsReportedAsStaleOrInvalid() throws Exception {
        peer = new ScriptedPeer(req -> frame(transactionId(req), "01" + "90" + "03"));
        link = linkTo(peer, StatusRegisters.defaults());

        LinkResult<StatusReading> result = link.writeRole(RuntimeRole.ACTIVE);

        assertThat(result)
                .isEqualTo(LinkResult.failed(
                        LinkError.REJECTED,
                        "writing role ACTIVE: controller refused the role command as stale or invalid (exception 03):"
                                + " its deadline " + (NOW + 250) + " had passed by the controller's clock, or the"
                                + " clocks differ by more than the 250 ms command timeout"));
    }

    @Test
    void aControllerWithoutTheBlockIsToldHowToConfigureIt() throws Exception {
        peer = new ScriptedPeer(req -> frame(transactionId(req), "01" + "90" + "02"));
        link = linkTo(peer, StatusRegisters.defaults());

        LinkResult<StatusReading> result = link.writeRole(RuntimeRole.ACTIVE);

        assertThat(result)
                .isInstanceOfSatisfying(
                        LinkResult.Failed.class,
                        f -> assertThat(f.detail())
                                .contains("no role command block at 30 (exception 02)")
                                .contains("registers.roleCommand"));
    }

    @Test
    void writesAndReadsBackInOneReadWriteMultipleRequest() throws Exception {
        peer = new ScriptedPeer(req -> frame(transactionId(req), "01" + "17" + "04" + "1068" + "09c4"));
        link = linkTo(peer);

        LinkResult<int[]> result = link.writeRegisters(20, new int[] {4200, 2500});

        // Function 23 (§6.17): read 20 x2, write 20 x2, 4 bytes of values.
        assertThat(peer.nextRequest())
                .isEqualTo("00010000000f" + "01" + "17" + "0014" + "0002" + "0014" + "0002" + "04" + "1068" + "09c4");
        assertThat(result)
                .isInstanceOfSatisfying(
                        LinkResult.Ok.class,
                        ok -> assertThat((int[]) ok.value()).containsExactly(4200, 2500));
    }

    @Test
    void aControllerWithoutFunction23GetsAWriteAndARead() throws Exception {
        peer = new ScriptedPeer(req -> switch (req[7]) {
            case 0x17 -> frame(transactionId(req), "01" + "97" + "01");
            case 0x10 -> frame(transactionId(req), "01" + "10" + "0014" + "0001");
            default -> frame(transactionId(req), "01" + "03" + "02" + "1068");
        });
        link = linkTo(peer);

        assertThat(link.writeRegisters(20, new int[] {4200}).isOk()).isTrue();
        assertThat(peer.nextRequest()).contains("0117");
        assertThat(peer.nextRequest()).contains("0110");
        assertThat(peer.nextRequest()).contains("0103");

        assertThat(link.writeRegisters(20, new int[] {4200}).isOk()).isTrue();
        assertThat(peer.nextRequest()).as("function 23 is not tried again").contains("0110");
    }

    @Test
    void anExceptionResponseIsARejectionAndKeepsTheConnection() throws Exception {
        peer = new ScriptedPeer(req -> frame(transactionId(req), "01" + "90" + "04"));
        link = linkTo(peer);

        LinkResult<StatusReading> result = link.writeRole(RuntimeRole.ACTIVE);

        assertThat(result)
                .isEqualTo(
                        LinkResult.failed(LinkError.REJECTED, "writing role ACTIVE: exception code 4 for function 16"));
    }

    @Test
    void anAnswerToAnotherTransactionIsRefusedAndTheConnectionReplaced() throws Exception {
        peer = new ScriptedPeer(req -> frame(transactionId(req) + 7, STATUS_PDU));
        link = linkTo(peer);

        LinkResult<StatusReading> result = link.readStatus();

        assertThat(result)
                .isEqualTo(LinkResult.failed(LinkError.PROTOCOL, "answer to transaction 8 while waiting for 1"));
        peer.answerWith(req -> frame(transactionId(req), STATUS_PDU));
        assertThat(link.readStatus().isOk()).as("a new connection works").isTrue();
    }

    @Test
    void anAnswerWithTooFewRegistersIsAProtocolError() throws Exception {
        peer = new ScriptedPeer(req -> frame(transactionId(req), "01" + "03" + "02" + "0102"));
        link = linkTo(peer);

        LinkResult<StatusReading> result = link.readStatus();

        assertThat(result)
                .isInstanceOfSatisfying(
                        LinkResult.Failed.class, f -> assertThat(f.error()).isEqualTo(LinkError.PROTOCOL));
    }

    @Test
    void noAnswerWithinTheTimeoutIsATimeout() throws Exception {
        peer = new ScriptedPeer(req -> new byte[0]);
        link = linkTo(peer);

        LinkResult<StatusReading> result = link.readStatus();

        assertThat(result).isEqualTo(LinkResult.failed(LinkError.TIMEOUT, "no answer within 200 ms"));
    }

    @Test
    void readsWithoutADeadlineOfTheirOwnWaitTheAdaptedDeadline() throws Exception {
        peer = new ScriptedPeer(req -> new byte[0]);
        link = linkTo(peer);

        link.adapt(java.time.Duration.ofMillis(30));

        assertThat(link.responseTimeout()).isEqualTo(java.time.Duration.ofMillis(30));
        assertThat(link.readStatusForControl())
                .isEqualTo(LinkResult.failed(LinkError.TIMEOUT, "no answer within 30 ms"));
        assertThat(link.readStatus(java.time.Duration.ofMillis(40)))
                .as("a poll names its own")
                .isEqualTo(LinkResult.failed(LinkError.TIMEOUT, "no answer within 40 ms"));
    }

    @Test
    void aLateAnswerToATimedOutRequestIsDiscardedOnTheSameConnection() throws Exception {
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        String lateStatus = "01" + "03" + "0a" + "0001" + "0001" + "0001" + "0003" + "0000";
        peer = new ScriptedPeer(req -> {
            if (requests.incrementAndGet() == 1) {
                return new byte[0]; // no answer in time
            }
            byte[] late = frame(transactionId(req) - 1, lateStatus);
            byte[] current = frame(transactionId(req), STATUS_PDU);
            byte[] both = java.util.Arrays.copyOf(late, late.length + current.length);
            System.arraycopy(current, 0, both, late.length, current.length);
            return both;
        });
        link = linkTo(peer);

        assertThat(link.readStatus()).isEqualTo(LinkResult.failed(LinkError.TIMEOUT, "no answer within 200 ms"));
        LinkResult<StatusReading> second = link.readStatus();

        assertThat(second)
                .isInstanceOfSatisfying(
                        LinkResult.Ok.class,
                        ok -> assertThat(((StatusReading) ok.value()).heartbeat())
                                .as("the answer to the second request, not the late one")
                                .isEqualTo(0x0102));
        assertThat(peer.nextRequest()).startsWith("0001");
        assertThat(peer.nextRequest()).as("same connection, next transaction").startsWith("0002");
    }

    @Test
    void aClosedConnectionIsConnectionLost() throws Exception {
        peer = new ScriptedPeer(req -> null);
        link = linkTo(peer);

        LinkResult<StatusReading> result = link.readStatus();

        assertThat(result)
                .isInstanceOfSatisfying(
                        LinkResult.Failed.class, f -> assertThat(f.error()).isEqualTo(LinkError.CONNECTION_LOST));
    }

    @Test
    void aRefusedConnectionBacksOffBeforeTheNextAttempt() throws Exception {
        peer = new ScriptedPeer(req -> null);
        int port = peer.port();
        peer.close();
        peer = null;
        link = new ModbusLink(
                "plc-x",
                new ModbusEndpoint("127.0.0.1", port, 1),
                StatusRegisters.defaults(),
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                Ticker.system());

        assertThat(link.readStatus())
                .isInstanceOfSatisfying(
                        LinkResult.Failed.class, f -> assertThat(f.error()).isEqualTo(LinkError.UNREACHABLE));
        assertThat(link.readStatus())
                .isInstanceOfSatisfying(
                        LinkResult.Failed.class, f -> assertThat(f.error()).isEqualTo(LinkError.BACKING_OFF));
    }
}
